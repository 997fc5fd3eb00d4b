import RdmaKit

/// An hfi1 SPC freeze (hfi1/chip.c) as far as user space can see it: while `HFI1_FROZEN` is set
/// ASSIGN_CTXT fails with EIO (allocate_ctxt), and every send context the freeze caught stays
/// halted until its owner's CTXT_RESET (Hfi1Commands.contextReset). The emulated chip never
/// freezes by itself; EmulatedKernel.setFrozen (a test hook) drives this.
extension KernelState {
    /// `frozen` true: start_freeze_handling — `dd->flags |= HFI1_FROZEN` (and, for the
    /// critical-temperature freeze of handle_temp_err, `HFI1_FORCED_FREEZE`, which nothing
    /// clears) and `sc_stop(sc, SCF_FROZEN | SCF_HALTED)` on every user send context.
    /// `frozen` false: the freeze work's unfreeze — `HFI1_FROZEN` cleared; user send contexts
    /// stay halted and frozen until CTXT_RESET. No effect on a device that is not there.
    mutating func hfi1SetFrozen(_ name: String, _ frozen: Bool, forced: Bool) {
        guard var device = devices[name] else { return }
        if frozen {
            device.frozen = true
            if forced { device.forcedFreeze = true }
            for number in device.userContexts.keys {
                device.userContexts[number]!.sendContextHalted = true
                device.userContexts[number]!.sendContextFrozen = true
            }
        } else {
            device.frozen = false
        }
        devices[name] = device
    }
}
