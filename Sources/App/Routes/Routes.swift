import Foundation
import Runtime

/// The whole route table, one file per resource, plus the web UI's files
/// (loaded into memory at start-up: no file read ever runs on a loop thread).
enum Routes {
    static func make(_ app: AppContext) -> Router {
        var router = Router()
        router.decorate = AuditTrail.decorator(app)
        AccountRoutes.add(to: &router, app)
        SessionRoutes.add(to: &router, app)
        DeviceRoutes.add(to: &router, app)
        JobRoutes.add(to: &router, app)
        JobLifecycleRoutes.add(to: &router, app)
        RecipeRoutes.add(to: &router, app)
        WebhookRoutes.add(to: &router, app)
        HousekeepingRoutes.add(to: &router, app)
        DeviceProtocolRoutes.add(to: &router, app)
        LiveRoutes.add(to: &router, app)
        OperationsRoutes.add(to: &router, app)
        FirmwareRoutes.add(to: &router, app)
        FirmwareDeviceRoutes.add(to: &router, app)
        ConfigRoutes.add(to: &router, app)
        router.staticFiles = publicFiles()
        return router
    }

    /// The UI's own files only: the directory also holds tooling (the node
    /// tests' `js/package.json`), which is not part of the site.
    private static func publicFiles() -> StaticFiles? {
        guard let root = Bundle.module.resourceURL?.appendingPathComponent("Public").path,
              var files = try? StaticFiles(directory: root) else { return nil }
        let servedExtensions = [".html", ".js", ".css", ".svg", ".png", ".ico", ".woff2"]
        files.serveOnly { path in servedExtensions.contains { path.hasSuffix($0) } }
        return files
    }
}
