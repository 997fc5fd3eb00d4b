/// Where a snapshot goes: a directory on disk or a tar stream. Paths are relative to the
/// snapshot's top ("sys/class/infiniband/hfi1_0"); parents are created as needed.
public protocol SnapshotSink: AnyObject {
    func directory(_ path: String) throws(RdmaError)
    func file(_ path: String, _ bytes: [UInt8]) throws(RdmaError)
    func symlink(_ path: String, target: String) throws(RdmaError)
    /// Called once at the end (the tar stream writes its trailer).
    func finish() throws(RdmaError)
}
