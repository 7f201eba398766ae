/// A stream delegate that can wind its connection down when the server stops:
/// HTTP finishes the request in flight and answers with `Connection: close`;
/// a WebSocket sends close 1001. Called on the stream's loop thread.
public protocol GracefulShutdownParticipant: AnyObject {
    func beginShutdown()
}
