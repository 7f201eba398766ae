/// What an operator reads when a database was migrated by a newer yaguts:
/// what happened, why nothing was touched, and the two ways out.
enum SchemaVersionMessage {
    static func tooNew(version: Int, supported: Int, database: String) -> String {
        """
        \(database) has schema version \(version), written by a newer yaguts; \
        this is yaguts \(BuildInfo.version), which knows schema versions up to \(supported). \
        Refusing to start so the newer data is not misread (nothing was changed). \
        Run the newer yaguts again, or restore the backup taken before the upgrade \
        (yaguts restore FILE --data DIR; see docs/upgrading.md).
        """
    }
}
