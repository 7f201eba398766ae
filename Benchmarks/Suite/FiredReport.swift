import BenchmarkSupport
import Runtime

extension DeviceSession {
    /// Sends a complete report without waiting, from any thread (a pacer's):
    /// encoded here, written on the device's connection by its loop.
    /// `onWrite` runs on the loop just before the bytes are written (to time
    /// the sender's lateness); `onReply` gets nil for a 200 `done`, else
    /// what went wrong.
    func fireComplete(job: Int64, body: [UInt8], host: String, onWrite: @escaping @Sendable () -> Void = {},
                      onReply: @escaping @Sendable (String?) -> Void) {
        let request = HTTPClientConnection.encode(
            method: "POST", path: "/devices/me/jobs/\(job)/complete", host: host, headers: auth, body: body)
        client.loop.execute { [client] in
            client.withConnection { connection in
                guard case .success(let connection) = connection else {
                    onReply("job \(job): no connection")
                    return
                }
                onWrite()
                connection.send(encoded: request) { result in
                    switch result {
                    case .success(let response) where response.status == 200
                        && JSON.object(response.body)?["status"] as? String == "done":
                        onReply(nil)
                    case .success(let response):
                        onReply("job \(job): \(response.status) \(response.bodyText.prefix(120))")
                    case .failure(let error):
                        onReply("job \(job): \(error)")
                    }
                }
            }
        }
    }
}
