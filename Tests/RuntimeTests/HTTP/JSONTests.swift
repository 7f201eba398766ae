import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeTesting

@Suite("JSON requests, responses and the error body")
struct JSONTests {
    struct Item: Codable, Equatable {
        let frascoIndex: Int
        let amountMg: Int
        enum CodingKeys: String, CodingKey {
            case frascoIndex = "frasco_index"
            case amountMg = "amount_mg"
        }
    }
    struct NewJob: Codable, Equatable {
        let deviceID: Int
        let items: [Item]
        let note: String?
        enum CodingKeys: String, CodingKey {
            case deviceID = "device_id"
            case items, note
        }
    }

    func request(_ body: String, contentType: String? = "application/json") -> Request {
        var headers: HTTPHeaders = ["Host": "x"]
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        return Request(head: HTTPRequestHead(method: .post, target: "/jobs", headers: headers), body: Array(body.utf8))
    }

    func decodeError(_ body: String, contentType: String? = "application/json") -> HTTPError? {
        do {
            _ = try request(body, contentType: contentType).decodeJSON(NewJob.self)
            return nil
        } catch {
            return error
        }
    }

    @Test func decodesWithCharsetParameter() throws {
        let job = try request(#"{"device_id":1,"items":[{"frasco_index":0,"amount_mg":5}]}"#,
                              contentType: "Application/JSON; charset=utf-8").decodeJSON(NewJob.self)
        #expect(job == NewJob(deviceID: 1, items: [Item(frascoIndex: 0, amountMg: 5)], note: nil))
    }

    @Test func wrongContentTypeIs415() {
        #expect(decodeError("{}", contentType: nil)?.status == .unsupportedMediaType)
        #expect(decodeError("{}", contentType: "text/plain")?.status == .unsupportedMediaType)
        #expect(decodeError("{}", contentType: "application/jsonx")?.status == .unsupportedMediaType)
    }

    @Test func malformedJSONIs400() {
        for body in ["", "{", "{\"device_id\":1 \"items\":[]}", "nope", "{\"device_id\":1,\"items\":[]"] {
            let error = decodeError(body)
            #expect(error?.status == .badRequest, "\(body)")
            #expect(error?.code == "malformed_json")
        }
    }

    @Test func wrongShapesAre422WithFieldPaths() {
        let cases: [(String, String, String, String)] = [
            (#"{"device_id":1,"items":[{"frasco_index":0,"amount_mg":5},{"frasco_index":1,"amount_mg":5},{"frasco_index":2,"amount_mg":"5"}]}"#,
             "items[2].amount_mg", "must be an integer", "type_integer"),
            (#"{"device_id":1,"items":[{"frasco_index":0}]}"#, "items[0].amount_mg", "is required", "required"),
            (#"{"items":[]}"#, "device_id", "is required", "required"),
            (#"{"device_id":null,"items":[]}"#, "device_id", "must not be null", "not_null"),
            (#"{"device_id":1,"items":{}}"#, "items", "must be an array", "type_array"),
            (#"{"device_id":1,"items":[],"note":5}"#, "note", "must be a string", "type_string"),
        ]
        for (body, path, problem, code) in cases {
            let error = decodeError(body)
            #expect(error?.status == .unprocessableContent, "\(body)")
            #expect(error?.code == "invalid_fields")
            #expect(error?.fields?.mapValues(\.message) == [path: problem], "\(body)")
            #expect(error?.fields?[path]?.code == code, "\(body)")
        }
        #expect(decodeError("[]")?.status == .unprocessableContent)
        #expect(decodeError("[]")?.fields == nil)
    }

    @Test func errorBodyShape() {
        let plain = HTTPError.notFound("no such job").response
        #expect(String(decoding: plain.body, as: UTF8.self) == #"{"error":{"code":"not_found","message":"no such job"}}"#)
        #expect(plain.headers["Content-Type"] == "application/json")
        let validation = HTTPError.invalidFields(["items[2].amount_mg": .atLeast(1)]).response
        #expect(String(decoding: validation.body, as: UTF8.self)
                == #"{"error":{"code":"invalid_fields","field_codes":{"items[2].amount_mg":{"code":"at_least","min":1}},"fields":{"items[2].amount_mg":"must be greater than 0"},"message":"invalid fields"}}"#)
        let range = HTTPError.invalidFields(["frascos": .outOfRange(1, 16)]).response
        #expect(String(decoding: range.body, as: UTF8.self)
                == #"{"error":{"code":"invalid_fields","field_codes":{"frascos":{"code":"out_of_range","max":16,"min":1}},"fields":{"frascos":"must be between 1 and 16"},"message":"invalid fields"}}"#)
        #expect(validation.status.code == 422)
        let limited = HTTPError(.tooManyRequests, code: "rate_limited", message: "slow down", headers: ["Retry-After": "3"]).response
        #expect(limited.headers["Retry-After"] == "3")
    }

    @Test func jsonResponse() throws {
        let response = try Response.json(NewJob(deviceID: 3, items: [], note: "a/b"), status: .created)
        #expect(response.status == .created)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"device_id":3,"items":[],"note":"a/b"}"#)
    }

    @Test func intParameterIs404WhenNotANumber() throws {
        let request = Request(head: HTTPRequestHead(method: .get, target: "/x"), parameters: ["id": "12", "bad": "x1"])
        #expect(try request.intParameter("id") == 12)
        #expect(throws: HTTPError.notFound()) { try request.intParameter("bad") }
    }
}

@Suite("HTTP Date formatting")
struct HTTPDateTests {
    @Test func imfFixdate() {
        #expect(HTTPDate.format(epochSeconds: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(epochSeconds: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(epochSeconds: 951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(HTTPDate.format(epochSeconds: 4_102_444_799) == "Thu, 31 Dec 2099 23:59:59 GMT")
        #expect(HTTPDate.format(epochSeconds: -1) == "Wed, 31 Dec 1969 23:59:59 GMT")
    }
}
