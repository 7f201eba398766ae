import Actors
import Runtime

/// What a device calls to update itself: the image download (resumable with
/// `Range`) and its reports on the attempt. The offer itself rides on the
/// heartbeat's `update` (DeviceProtocolRoutes).
enum FirmwareDeviceRoutes {
    struct Attempt: Encodable { let attempt: FirmwareAttempt }

    static func add(to router: inout Router, _ app: AppContext) {
        router.get("/devices/me/firmware/:id", app.deviceRoute { request, device in
            let id = try request.id("id")
            let (range, ifRange) = (request.headers["Range"], request.headers["If-Range"])
            @Sendable func selection(_ image: Firmware) -> ByteRange.Selection {
                ByteRange.select(range: range, ifRange: ifRange, etag: etag(image), size: Int(image.size))
            }
            let (image, bytes) = try await app.firmwareUpdates.download(device, firmwareID: id) { image in
                switch selection(image) {
                case .whole: 0..<Int(image.size)
                case .partial(let bytes): bytes
                case .unsatisfiable: nil
                }
            }
            return ByteRange.response(selection(image), size: Int(image.size), body: bytes,
                                      contentType: "application/octet-stream", etag: etag(image))
        })
        router.post("/devices/me/firmware/status", app.deviceRoute(limited: true) { request, device in
            let report = try WireCoding.decode(FirmwareUpdates.StatusReport.self, from: request)
            let attempt = try await app.firmwareUpdates.record(device, report)
            return try WireCoding.json(Attempt(attempt: attempt), status: .accepted)
        })
    }

    /// The image's strong entity tag: its SHA-256, which names its bytes exactly.
    static func etag(_ image: Firmware) -> String { "\"\(image.sha256)\"" }
}
