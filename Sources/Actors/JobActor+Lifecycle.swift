import Runtime

extension JobActor {
    /// The job was finished outside this actor (it expired in the maintenance
    /// sweep): its watchers hear `completed`. Serialized with `watch`, so a
    /// watcher added concurrently either gets this event or a final snapshot
    /// that already says the job is over, never neither.
    func finishedElsewhere(_ job: Job) async {
        await exclusively {
            await feed.publish(.completed(job), isFinal: true)
        }
    }
}
