import Actors
import Testing
@testable import App
@testable import RuntimeSupport
@testable import RuntimeHTTP

@Suite("Strict request decoding")
struct WireCodingTests {
    private func request(_ body: String, contentType: String? = "application/json") -> Request {
        var headers: HTTPHeaders = ["Host": "x"]
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        return Request(head: HTTPRequestHead(method: .post, target: "/jobs", headers: headers), body: Array(body.utf8))
    }

    private func decodeError(_ body: String, contentType: String? = "application/json") -> HTTPError? {
        do {
            _ = try WireCoding.decode(JobService.NewJob.self, from: request(body, contentType: contentType))
            return nil
        } catch {
            return error as? HTTPError
        }
    }

    @Test func decodesSnakeCase() throws {
        let job = try WireCoding.decode(JobService.NewJob.self,
                                        from: request(#"{"device_id": 3, "items": [{"frasco_index": 1, "amount_mg": 250}]}"#))
        #expect(job.deviceId == 3 && job.items == [.init(frascoIndex: 1, amountMg: 250)])
    }

    @Test func statusesForBadBodies() {
        #expect(decodeError("{}", contentType: nil)?.status.code == 415)
        #expect(decodeError("{}", contentType: "text/plain")?.status.code == 415)
        #expect(decodeError("{not json")?.status.code == 400)
        #expect(decodeError("")?.status.code == 400)
    }

    @Test(arguments: [
        (#"{"device_id": "3", "items": []}"#, "device_id"),
        (#"{"items": []}"#, "device_id"),
        (#"{"device_id": 1, "items": [{"frasco_index": 0, "amount_mg": 1e30}]}"#, "items[0].amount_mg"),
        (#"{"device_id": 1, "items": [{"frasco_index": 0, "amount_mg": 1180591620717411303424}]}"#, "items[0].amount_mg"),
        (#"{"device_id": 1, "items": [{"frasco_index": 0, "amount_mg": 5, "colour": "red"}]}"#, "items[0].colour"),
        (#"{"device_id": 1, "items": [], "priority": 9}"#, "priority"),
        (#"{"device_id": null, "items": []}"#, "device_id"),
    ])
    func fieldErrorsNameTheField(body: String, field: String) {
        let error = decodeError(body)
        #expect(error?.status.code == 422)
        #expect(error?.fields?[field] != nil, "fields were \(String(describing: error?.fields))")
    }
}
