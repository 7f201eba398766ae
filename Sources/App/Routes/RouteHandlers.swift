import Actors
import Runtime

/// The boilerplate every endpoint shares, written once: who is calling, the
/// rate limit, and domain refusals answered in the contract's HTTP form.
extension AppContext {
    /// An endpoint anyone may call (it authenticates by itself, if at all).
    func publicRoute(_ body: @escaping @Sendable (Request) async throws -> Response) -> Router.AsyncHandler {
        { request in try await ErrorMapping.handle { try await body(request) } }
    }

    /// A user endpoint (bearer token or session cookie).
    func userRoute(_ body: @escaping @Sendable (Request, User) async throws -> Response) -> Router.AsyncHandler {
        { request in
            try await ErrorMapping.handle {
                let (user, _) = try await auth.user(request)
                return try await body(request, user)
            }
        }
    }

    /// A device-protocol endpoint (device token). The device's actors live on
    /// the loop of its connection, so the request notes which loop that is.
    /// `limited` endpoints take a token from the device's rate limit.
    func deviceRoute(limited: Bool = false,
                     _ body: @escaping @Sendable (Request, DeviceIdentity) async throws -> Response) -> Router.AsyncHandler {
        { request in
            try await ErrorMapping.handle {
                let device = try await auth.device(request)
                if placement.note(device.deviceID) { dispenser.devicePlacementChanged(device.deviceID) }
                if limited { try limit(deviceLimiter, device.deviceID) }
                return try await body(request, device)
            }
        }
    }
}
