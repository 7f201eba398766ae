import Actors
import Foundation
import Testing
@testable import App
import Runtime

/// Every field code the server can send is in docs/api.md's table (which the
/// web UI's catalogue test walks), with the values its row names.
@Suite("Field codes")
struct FieldCodeTests {
    static let every: [FieldProblem] = [
        .required, .unknownField, .notNull, .invalidValue, .positiveID, .integerInRange, .timestamp, .notOneOf(["a"]),
        .wrongType("integer"), .wrongType("string"), .wrongType("boolean"), .wrongType("number"),
        .wrongType("array"), .wrongType("object"),
        .outOfRange(1, 16), .atLeast(1), .atLeast(0), .atMost(5), .length(1, 100), .maxLength(500),
        .minLength(10), .maxBytes(1024), .minItems(1), .maxItems(32),
        .email, .exceedsCapacity(fitsMg: 1), .aboveCapacity(capacityMg: 1), .belowStock(stockMg: 1),
        .noSuchPosition(0), .repeatedPosition(0), .frascoMismatch(position: 0, frascoIndex: 1),
        DisplayText.problem, .noNul,
    ]

    /// Rows of the "Field codes" table: code → the values column.
    static func documented() throws -> [String: String] {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/api.md").standardizedFileURL
        let text = try String(contentsOf: docs, encoding: .utf8)
        let section = text.components(separatedBy: "### Field codes")[1].components(separatedBy: "\n### ")[0]
        var rows: [String: String] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            rows[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[1]
        }
        return rows
    }

    @Test func everyCodeIsDocumentedWithItsValues() throws {
        let rows = try Self.documented()
        #expect(rows.count >= 25)
        for problem in Self.every {
            let row = try #require(rows[problem.code], "\(problem.code) is not in docs/api.md")
            for name in problem.values.keys { #expect(row.contains("`\(name)`"), "\(problem.code): value \(name) not documented") }
        }
        #expect(Set(rows.keys) == Set(Self.every.map(\.code)), "the table lists a code the server never sends")
    }

    @Test func wrongTypesNameTheirType() {
        #expect(FieldProblem.wrongType("integer").message == "must be an integer")
        #expect(FieldProblem.wrongType("string").message == "must be a string")
        #expect(FieldProblem.exceedsCapacity(fitsMg: 162_000) == FieldProblem(code: "exceeds_capacity", values: ["fits_mg": 162_000], message: "at most 162000 fits"))
        let literal: FieldProblem = "something odd"
        #expect(literal.code == "invalid_value" && literal.message == "something odd")
    }
}
