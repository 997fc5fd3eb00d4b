/// Which hfi1 user interface a profile's /dev/hfi1_N speaks (DESIGN §5 "hfi1 cdev" column).
enum Hfi1Era: Sendable, Equatable {
    /// Linux 4.7+: ioctl(), user ABI 6.3 (`proposed`, `mainline`).
    case ioctl
    /// Staging 4.3–4.6: write() of `struct hfi1_cmd`, user ABI 5 (`legacy`).
    case write

    init(_ profile: Profile) {
        self = profile == .legacy ? .write : .ioctl
    }

    /// The driver /dev/hfi1_`unit` gets at boot, and a driver-ops file for hfi1.
    func driver(unit: Int) -> any EmulatedDriver {
        switch self {
        case .ioctl: return Hfi1IoctlDriver(unit: unit)
        case .write: return Hfi1WriteDriver(unit: unit)
        }
    }
}
