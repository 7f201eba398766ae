import YagutsRuntime
print("yaguts: not yet")
