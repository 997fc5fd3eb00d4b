import Synchronization

/// The class devices of a listing's full records read in the devices' own pass (issue 9): the
/// class directories are listed by its first tasks, as before; the last tasks of the pass —
/// `drain`, one per thread the kernel may use — read every class device, taking them one at a
/// time from a shared counter, so the threads that finish the devices go on to the class
/// devices without a wait for the slowest device, a second pass and the work between the
/// two on one thread. Who owns a class device is settled when the results are folded
/// (CharDeviceIndex `init(reader:detail:devices:pass:)`): only then are the
/// devices whose class links resolved known.
final class ClassDevicePass: @unchecked Sendable {
    // @unchecked: `listings` and `plan` are behind locks; a plan's `results` slots are each
    // written by the one task that took its index, and read after the pass.
    let kernel: any Kernel
    let detail: DiscoveryDetail
    /// Every device the class listing named.
    let listed: Set<String>
    let classes: [String]
    private let listings: [Locked<CharDeviceIndex.Listing?>]
    private let plan = Locked<Plan?>(nil)

    /// How many `drain` tasks to add to the pass: enough for every thread it may use.
    static let drains = 8

    final class Plan: @unchecked Sendable {
        let items: [CharDeviceIndex.ClassItem]
        let tasks: [CharDeviceIndex.ClassDeviceTask]
        /// What planning said (an unreadable class directory).
        let warnings: [Diagnostic]
        let results: Slots<(CharDeviceIndex.ClassDeviceFound, [Diagnostic])>
        let next = Atomic<Int>(0)

        init(items: [CharDeviceIndex.ClassItem], warnings: [Diagnostic]) {
            self.items = items
            var tasks: [CharDeviceIndex.ClassDeviceTask] = []
            for case .read(let task) in items { tasks.append(task) }
            self.tasks = tasks
            self.warnings = warnings
            results = Slots(count: tasks.count)
        }
    }

    init(kernel: any Kernel, detail: DiscoveryDetail, listed: Set<String>, classes: [String]) {
        self.kernel = kernel; self.detail = detail; self.listed = listed; self.classes = classes
        listings = classes.map { _ in Locked(nil) }
    }

    /// Class directory `i`, listed once: by its task, or by the plan if that comes first (which
    /// then waits for a listing under way).
    func list(_ i: Int) -> CharDeviceIndex.Listing {
        let kernel = kernel, dir = classes[i]
        return listings[i].withLock { listing in
            if let listing { return listing }
            let made = CharDeviceIndex.list(kernel, dir)
            listing = made
            return made
        }
    }

    /// A class directory's listing, for what is folded after the pass; nil for one the pass
    /// does not list.
    func listing(_ dir: String) -> CharDeviceIndex.Listing? {
        classes.firstIndex(of: dir).map(list)
    }

    /// Reads class devices until none is left; the first call plans them.
    func drain() {
        let plan = self.plan.withLock { plan -> Plan in
            if let plan { return plan }
            var reader = AttributeReader(kernel: kernel)
            let listed = self.listed
            let items = CharDeviceIndex.plan(detail: detail, unitWanted: { listed.contains($0) }, reader: &reader) { dir in
                self.listing(dir) ?? CharDeviceIndex.list(self.kernel, dir)
            }
            let made = Plan(items: items, warnings: reader.warnings)
            plan = made
            return made
        }
        let owners = CharDeviceIndex.Owners.listed(listed)
        while true {
            let i = plan.next.add(1, ordering: .relaxed).oldValue
            guard i < plan.tasks.count else { return }
            var reader = AttributeReader(kernel: kernel)
            let found = CharDeviceIndex.read(plan.tasks[i], detail: detail, parents: [:], owners: owners, reader: &reader)
            plan.results.set(i, (found, reader.warnings))
        }
    }

    /// After the pass: the planning's warnings, then each class device's result with its
    /// warnings, in the plan's order, to `body` to settle.
    func fold(reader: inout AttributeReader,
              _ body: (CharDeviceIndex.ClassDeviceFound, [Diagnostic], inout AttributeReader) -> Void) {
        // The pass always ran a drain (the kernel runs every index), unless it had no devices.
        guard let plan = plan.withLock({ $0 }) else { return }
        for warning in plan.warnings { reader.warn(warning) }
        var next = 0
        for item in plan.items {
            switch item {
            case .found(let value): body(value, [], &reader)
            case .read:
                let (value, warnings) = plan.results.take(next)
                next += 1
                body(value, warnings, &reader)
            }
        }
    }
}
