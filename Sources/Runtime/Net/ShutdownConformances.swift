// The protocol layers take part in graceful shutdown (see TCPServer.shutdown):
// HTTP finishes the request in flight and closes; a WebSocket says 1001.
extension HTTPServerConnection: GracefulShutdownParticipant {}

extension WebSocketConnection: GracefulShutdownParticipant {
    public func beginShutdown() { closeForShutdown() }
}
