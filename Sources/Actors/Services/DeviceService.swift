import Runtime

/// The user's side of devices: creating them, their tokens, frascos and stock.
/// Every call checks ownership; another user's device is "not found".
public struct DeviceService: Sendable {
    let dispenser: Dispenser

    public init(_ dispenser: Dispenser) { self.dispenser = dispenser }

    /// Creates a device with `frascos` empty frascos; returns it and its token (shown once).
    public func create(userID: Int64, name: String, frascos: Int) async throws -> (device: Device, token: String) {
        try JobRules.validateDevice(name: name, frascos: frascos)
        let token = SecureRandom.token()
        let tokenHash = AccountService.hash(token)
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let id = try await dispenser.database.write { db in
            try DeviceQueries.insertDevice(db, userID: userID, name: trimmed, frascos: frascos, tokenHash: tokenHash)
        }
        return (try await device(userID: userID, id: id), token)
    }

    public func list(userID: Int64) async throws -> [Device] {
        let presence = dispenser.presence
        return try await dispenser.database.read { db in
            try DeviceQueries.devices(db, userID: userID).map {
                presence.view($0, frascos: try DeviceQueries.frascos(db, deviceID: $0.id))
            }
        }
    }

    public func device(userID: Int64, id: Int64) async throws -> Device {
        let presence = dispenser.presence
        let device = try await dispenser.database.read { db -> Device? in
            guard let record = try DeviceQueries.device(db, id: id, userID: userID) else { return nil }
            return presence.view(record, frascos: try DeviceQueries.frascos(db, deviceID: id))
        }
        guard let device else { throw DomainError.notFound("No such device.") }
        return device
    }

    /// Replaces the device token; the old one fails from now on.
    public func rotateToken(userID: Int64, id: Int64) async throws -> String {
        try await requireOwned(userID: userID, id: id)
        let token = SecureRandom.token()
        let tokenHash = AccountService.hash(token)
        try await dispenser.database.write { try DeviceQueries.setToken($0, deviceID: id, tokenHash: tokenHash) }
        dispenser.deviceTokens.forget(deviceID: id)
        return token
    }

    public func updateFrasco(userID: Int64, id: Int64, index: Int, ingredient: String, capacityMg: Int64?) async throws -> Frasco {
        try await requireOwned(userID: userID, id: id)
        var fields: [String: FieldProblem] = [:]
        if ingredient.count > 100 { fields["ingredient"] = .maxLength(100) }
        if !DisplayText.isClean(ingredient) { fields["ingredient"] = DisplayText.problem }
        if let capacityMg, capacityMg < 0 || capacityMg > JobRules.maxStockMg {
            fields["capacity_mg"] = .outOfRange(0, JobRules.maxStockMg)
        }
        if !fields.isEmpty { throw DomainError.invalid(message: "The frasco is not valid.", fields: fields) }
        return try await dispenser.withStock(id) {
            try await $0.update(index: index, ingredient: ingredient, capacityMg: capacityMg)
        }
    }

    public func refill(userID: Int64, id: Int64, index: Int, amountMg: Int64) async throws -> Frasco {
        try await requireOwned(userID: userID, id: id)
        guard amountMg > 0, amountMg <= JobRules.maxStockMg else {
            throw DomainError.invalid(message: "The refill is not valid.",
                                      fields: ["amount_mg": .outOfRange(1, JobRules.maxStockMg)])
        }
        return try await dispenser.withStock(id) { try await $0.refill(index: index, amountMg: amountMg) }
    }

    public func adjust(userID: Int64, id: Int64, index: Int, stockMg: Int64, note: String?) async throws -> Frasco {
        try await requireOwned(userID: userID, id: id)
        var fields: [String: FieldProblem] = [:]
        if stockMg < 0 || stockMg > JobRules.maxStockMg { fields["stock_mg"] = .outOfRange(0, JobRules.maxStockMg) }
        if let note, note.count > 500 { fields["note"] = .maxLength(500) }
        if !fields.isEmpty { throw DomainError.invalid(message: "The stock count is not valid.", fields: fields) }
        return try await dispenser.withStock(id) { try await $0.adjust(index: index, stockMg: stockMg, note: note) }
    }

    /// The ledger newest first; `frascoIndex` keeps one bottle's history.
    public func movements(userID: Int64, id: Int64, limit: Int, before: Int64?, frascoIndex: Int? = nil) async throws -> [Movement] {
        try await requireOwned(userID: userID, id: id)
        return try await dispenser.database.read {
            try DeviceQueries.movements($0, deviceID: id, limit: limit, before: before, frascoIndex: frascoIndex)
        }
    }

    /// The device a device token belongs to.
    public func authenticate(deviceToken: String) async throws -> DeviceIdentity? {
        let tokenHash = AccountService.hash(deviceToken)
        if let cached = dispenser.deviceTokens.lookup(tokenHash) {
            return DeviceIdentity(deviceID: cached.deviceID, userID: cached.userID)
        }
        let generation = dispenser.deviceTokens.generation
        guard let record = try await dispenser.database.read({ try DeviceQueries.device($0, tokenHash: tokenHash) }) else {
            return nil
        }
        dispenser.deviceTokens.insert(tokenHash, .init(deviceID: record.id, userID: record.userID), readAt: generation)
        return DeviceIdentity(deviceID: record.id, userID: record.userID)
    }

    func requireOwned(userID: Int64, id: Int64) async throws {
        let owned = try await dispenser.database.read { try DeviceQueries.device($0, id: id, userID: userID) != nil }
        guard owned else { throw DomainError.notFound("No such device.") }
    }
}

/// An authenticated device.
public struct DeviceIdentity: Sendable, Equatable {
    public let deviceID: Int64
    public let userID: Int64
    /// The server's own simulator acting for the device: its requests never
    /// count as the real device being seen (see ``Presence``).
    public let simulated: Bool

    public init(deviceID: Int64, userID: Int64, simulated: Bool = false) {
        self.deviceID = deviceID
        self.userID = userID
        self.simulated = simulated
    }
}

import Foundation
