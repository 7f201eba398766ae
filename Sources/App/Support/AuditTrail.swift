import Actors
import Foundation
import Runtime

/// Records every successful state-changing user request in the audit log:
/// a router decorator, so a route added later (firmware uploads, say) is
/// audited without anyone remembering to. The actor is the session's user,
/// read before the handler runs (so logout still has one), or for register
/// and login the user the answer names. Device-protocol routes are not user
/// actions and are skipped.
///
/// The entry is written right after the change commits, in its own
/// transaction: a crash between the two can lose the entry (never the change).
enum AuditTrail {
    /// Action names by "METHOD pattern"; anything else is named by its method and pattern.
    static let actions: [String: String] = [
        "POST /auth/register": "account.register", "POST /auth/login": "account.login", "POST /auth/logout": "account.logout",
        "PUT /account/settings": "account.settings",
        "POST /devices": "device.create", "PATCH /devices/:id": "device.rename", "DELETE /devices/:id": "device.delete",
        "POST /devices/:id/token": "device.token_rotate",
        "PUT /devices/:id/frascos/:index": "frasco.edit", "POST /devices/:id/frascos/:index/refill": "frasco.refill",
        "POST /devices/:id/frascos/:index/adjust": "frasco.adjust",
        "PUT /devices/:id/frascos/:index/low-stock": "frasco.low_stock",
        "POST /jobs": "job.create", "POST /jobs/:id/cancel": "job.cancel", "POST /jobs/:id/abort": "job.abort",
        "POST /devices/test/simulate-execution": "job.simulate",
        "POST /recipes": "recipe.create", "PUT /recipes/:id": "recipe.update", "DELETE /recipes/:id": "recipe.delete",
        "POST /webhooks": "webhook.create", "DELETE /webhooks/:id": "webhook.delete", "POST /webhooks/:id/test": "webhook.test",
    ]

    static func decorator(_ app: AppContext) -> @Sendable (HTTPMethod, String, @escaping Router.AsyncHandler) -> Router.AsyncHandler {
        { method, pattern, handler in
            guard method != .get, method != .head, !pattern.hasPrefix("/devices/me/") else { return handler }
            let action = actions["\(method.rawValue) \(pattern)"] ?? "\(method.rawValue) \(pattern)"
            return { request in
                let actor = try? await app.auth.user(request).user.id
                let response = try await handler(request)
                guard (200..<300).contains(response.status.code), let userID = actor ?? userNamed(in: response) else {
                    return response
                }
                let object = actor == nil ? "/users/\(userID)"
                    : response.headers["Location"] ?? created(in: response, under: request.head.path, status: response.status.code)
                    ?? request.head.path
                do {
                    try await app.audit.record(userID: userID, action: action, object: object, clientAddress: request.remoteAddress)
                } catch {
                    app.logger.error("audit_write_failed", ["action": "\(action)", "error": "\(error)"])
                }
                return response
            }
        }
    }

    /// `/devices/7` for a 201 whose body is `{"device": {"id": 7, …}, …}` without a `Location`.
    private static func created(in response: Response, under path: String, status: Int) -> String? {
        guard status == 201, let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            return nil
        }
        for value in object.values {
            if let inner = value as? [String: Any], let id = inner["id"] as? NSNumber { return "\(path)/\(id.int64Value)" }
        }
        return nil
    }

    /// `user.id` in a register or login answer.
    private static func userNamed(in response: Response) -> Int64? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let user = object["user"] as? [String: Any], let id = user["id"] as? NSNumber else { return nil }
        return id.int64Value
    }
}
