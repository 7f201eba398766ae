import Runtime

/// Per-frasco low-stock thresholds (`stock.low` webhooks fire on crossing below).
extension DeviceService {
    public func setLowStock(userID: Int64, id: Int64, index: Int, lowStockMg: Int64?) async throws -> Frasco {
        if let lowStockMg, !(0...JobRules.maxStockMg).contains(lowStockMg) {
            throw DomainError.invalid(message: "The threshold is not valid.",
                                      fields: ["low_stock_mg": "must be between 0 and \(JobRules.maxStockMg)"])
        }
        let frasco = try await dispenser.database.write { db -> Frasco? in
            guard try DeviceQueries.device(db, id: id, userID: userID) != nil else { return nil }
            try LowStockQueries.setThreshold(db, deviceID: id, index: index, lowStockMg: lowStockMg)
            return try DeviceQueries.frasco(db, deviceID: id, index: index)
        }
        guard let frasco else { throw DomainError.notFound("No such frasco.") }
        await dispenser.publishDevice(id)
        return frasco
    }
}
