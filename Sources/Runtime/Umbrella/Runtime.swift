// `import Runtime` brings the whole server library (as SwiftNIO's umbrella
// module did). Each layer is its own module with one job and may be imported
// alone; `RuntimeTesting` is deliberately not part of this umbrella, so the
// embedded loop never links into a server.
@_exported public import RuntimeCore
@_exported public import RuntimeHTTP
@_exported public import RuntimeStorage
@_exported public import RuntimeSupport
@_exported public import RuntimeWebSocket
