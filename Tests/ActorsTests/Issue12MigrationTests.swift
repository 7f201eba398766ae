import Foundation
import Testing
@testable import Actors
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeStorage

@Suite("Migrations 6-9: existing data survives, new rules hold")
struct Issue12MigrationTests {
    /// A database made by migrations 1-2 with a settled job, its items and
    /// movements; migrated to the latest schema it keeps every row, every
    /// index of `jobs`, its foreign keys, and accepts `expired`.
    @Test func jobsRebuildKeepsRowsIndexesAndForeignKeys() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("i12-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try SQLiteConnection(path: directory.appendingPathComponent("old.sqlite").path)
        try db.execute("PRAGMA foreign_keys = ON")
        try Migrator(Array(Schema.migrations.prefix(2))).migrate(db)
        try db.execute("""
            INSERT INTO users (id, email, password_hash, created_at) VALUES (1, 'a@b.c', 'x', '2026-01-01T00:00:00.000Z');
            INSERT INTO devices (id, user_id, name, frasco_count, token_hash, created_at) VALUES (1, 1, 'd', 1, 'h', '2026-01-01T00:00:00.000Z');
            INSERT INTO frascos (device_id, idx, stock_mg) VALUES (1, 0, 900);
            INSERT INTO jobs (id, user_id, device_id, status, idempotency_key, created_at) VALUES (7, 1, 1, 'done', 'k', '2026-01-01T00:00:00.000Z');
            INSERT INTO job_items (job_id, position, frasco_index, amount_mg, status, dispensed_mg) VALUES (7, 0, 0, 100, 'ok', 100);
            INSERT INTO movements (device_id, frasco_index, delta_mg, reason, at) VALUES (1, 0, 1000, 'refill', '2026-01-01T00:00:00.000Z');
            INSERT INTO movements (device_id, frasco_index, delta_mg, reason, job_id, job_position, at) VALUES (1, 0, -100, 'dispense', 7, 0, '2026-01-01T00:00:00.000Z');
            """)
        let indexesBefore = try jobIndexes(db)
        try Schema.migrator.migrate(db)
        #expect(try Migrator.userVersion(of: db) == Schema.migrator.latestVersion)
        #expect(try jobIndexes(db).isSuperset(of: indexesBefore))
        #expect(try db.queryOne("SELECT status || '/' || idempotency_key FROM jobs WHERE id = 7", map: { try $0.get(0) as String }) == "done/k")
        #expect(try db.queryOne("SELECT COUNT(*) FROM movements WHERE job_id = 7", map: { try $0.get(0) as Int }) == 1)
        try db.run("INSERT INTO jobs (user_id, device_id, status, created_at) VALUES (1, 1, 'expired', 'x')")
        #expect(throws: SQLiteError.self) { try db.run("INSERT INTO jobs (user_id, device_id, status, created_at) VALUES (1, 1, 'eaten', 'x')") }
        // The unique idempotency index still holds, and deleting a job still cascades to its items.
        #expect(throws: SQLiteError.self) { try db.run("INSERT INTO jobs (user_id, device_id, status, idempotency_key, created_at) VALUES (1, 1, 'pending', 'k', 'x')") }
        try db.run("DELETE FROM movements WHERE job_id = 7")
        try db.run("DELETE FROM jobs WHERE id = 7")
        #expect(try db.queryOne("SELECT COUNT(*) FROM job_items", map: { try $0.get(0) as Int }) == 0)
        #expect(try db.query("PRAGMA foreign_key_check", map: { try $0.get(0) as String }).isEmpty)
    }

    private func jobIndexes(_ db: SQLiteConnection) throws -> Set<String> {
        Set(try db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL",
                         map: { try $0.get(0) as String }))
    }
}

@Suite("Recipes onto frascos; CSV quoting")
struct RecipeAndCSVTests {
    func frasco(_ index: Int, _ ingredient: String, _ stock: Int64) -> Frasco {
        Frasco(index: index, ingredient: ingredient, stockMg: stock, capacityMg: nil)
    }

    @Test func mapsByNameIgnoringCaseAndAccentsAndWarnsOnShortage() throws {
        let recipe = Recipe(id: 1, name: "r", items: [RecipeItem(ingredient: "acucar", amountMg: 1_000),
                                                      RecipeItem(ingredient: " Limão", amountMg: 400)],
                            createdAt: "", updatedAt: "")
        let (items, warnings) = try RecipeRules.resolve(recipe, servings: 3, frascos: [frasco(0, "LIMAO", 10_000), frasco(1, "Açúcar", 2_500)])
        #expect(items == [JobRules.NewItem(frascoIndex: 1, amountMg: 3_000), JobRules.NewItem(frascoIndex: 0, amountMg: 1_200)])
        #expect(warnings.map(\.frascoIndex) == [1] && warnings[0].neededMg == 3_000 && warnings[0].stockMg == 2_500)
    }

    @Test func missingAndAmbiguousIngredientsAreNamed() {
        let recipe = Recipe(id: 1, name: "r", items: [RecipeItem(ingredient: "Sal", amountMg: 1), RecipeItem(ingredient: "Gelo", amountMg: 1)],
                            createdAt: "", updatedAt: "")
        #expect(throws: DomainError.invalid(message: "The recipe does not fit this device.", fields: [
            "ingredients.Sal": "frascos 0 and 2 both hold 'Sal'", "ingredients.Gelo": "no frasco of this device holds 'Gelo'",
        ])) { try RecipeRules.resolve(recipe, servings: 1, frascos: [frasco(0, "sal", 0), frasco(1, "", 0), frasco(2, "SAL", 0)]) }
    }

    @Test func csvQuotesOnlyWhatNeedsQuoting() {
        var csv = CSVWriter(header: ["a", "b"])
        csv.append(["plain", "has,comma"])
        csv.append(["say \"hi\"", "two\nlines"])
        csv.append(["-1500", "=SUM(A1)"])
        csv.append([nil, "@cmd"])
        #expect(csv.text == "a,b\r\nplain,\"has,comma\"\r\n\"say \"\"hi\"\"\",\"two\nlines\"\r\n-1500,'=SUM(A1)\r\n,'@cmd\r\n")
    }
}
