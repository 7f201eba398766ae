print("yaguts-sim")
