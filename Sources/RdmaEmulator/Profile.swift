/// A kernel generation the emulator plays (DESIGN §5, `--profile`, `RDMACTL_PROFILE`).
///
/// This file holds only what a profile changes in sysfs and /dev. The behaviour columns of the
/// DESIGN §5 table live with the code they switch: the driver-ops ioctl in
/// Drivers/DriverOps.swift (`hasDriverOpsIoctl`), netlink GET_CHARDEV in Netlink/NldevOps.swift
/// (`nldevOpCount`), the hfi1 ioctl/write era in Drivers/Hfi1Era.swift (`Hfi1Era(profile)`).
/// Hot-unplug per profile in Hotplug/KernelState+Hotplug.swift (`disassociatesOnUnplug`).
public enum Profile: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The 2016 proposal merged: driver-ops ioctl on the uverbs fd, netlink, modern drivers.
    case proposed
    /// Today's upstream kernel: no driver-ops ioctl, netlink GET_CHARDEV, ioctl-era hfi1.
    case mainline
    /// Modern sysfs with a write()-era hfi1 cdev (not a faithful 4.6 staging kernel).
    case legacy

    public static let `default` = Profile.proposed

    public var description: String { rawValue }

    /// One line for help text and banners.
    public var summary: String {
        switch self {
        case .proposed: return "driver-ops ioctl and netlink GET_CHARDEV; hfi1 ioctl era 6.3, qib write() 1.13"
        case .mainline: return "no driver-ops ioctl (ENOTTY); netlink GET_CHARDEV; hfi1 ioctl era 6.3, qib write() 1.13"
        case .legacy: return "no driver-ops ioctl, no GET_CHARDEV; hfi1 write era 5, qib write() 1.13"
        }
    }

    /// Parses a profile name; the error lists the valid names.
    public static func parse(_ text: String) throws(ProfileError) -> Profile {
        guard let profile = Profile(rawValue: text.trimmingBlanks) else { throw ProfileError(text: text) }
        return profile
    }

    // MARK: sysfs and /dev facts

    /// Mode of `/dev/hfi1_N`. Modern hfi1 (hfi1/device.c `hfi1_user_devnode`) gives 0666; DESIGN §5
    /// pins `legacy` to the same (no 4.6 wildcard `/dev/hfi1`, 0666).
    public var hfi1NodeMode: UInt32 { 0o666 }

    /// Minor of `/dev/hfi1_N`: the unit in every profile (hfi1/device.c: `MKDEV(major, unit)`);
    /// the staging driver's unit+1 numbering is deliberately not modelled (DESIGN §5).
    public func hfi1NodeMinor(unit: Int) -> UInt32 { UInt32(unit) }
}

/// An unknown `--profile` / `RDMACTL_PROFILE` value (exit 64).
public struct ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var description: String {
        "unknown profile \"\(text)\" (known: \(Profile.allCases.map(\.rawValue).joined(separator: ", ")))"
    }
}
