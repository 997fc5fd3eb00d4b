#compdef rdmactl

__rdmactl_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__rdmactl_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __rdmactl_complete "${completions[@]:0:-1}"
    fi
}

__rdmactl_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_rdmactl() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'list:List RDMA devices: name, driver, node type, GUID, port states, uverbs node.'
            'show:Show everything known about one device or port.'
            'facets:List the facets each device offers, with versions and transports.'
            'open-ops:Negotiate a driver-ops facet by name and ABI version, with an explained fallback chain.'
            'snapshot:Capture the RDMA part of sysfs and /dev metadata into a directory or a tar stream.'
            'doctor:Diagnose why RDMA devices are not usable here ("No IB devices found").'
            'monitor:Print RDMA device add/remove/rename events as they happen.'
            'gather:Group many hosts'\'' rdmactl/1 envelopes by identical verdict.'
            'fleet:Run an rdmactl command on many nodes through Slurm, ClusterShell or pdsh, and gather the answers.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|show|facets|open-ops|snapshot|doctor|monitor|gather|fleet|help)
            "_rdmactl_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rdmactl_list() {
    local -i ret=1
    local -ar ___source=('auto' 'netlink' 'udev' 'sysfs')
    local -ar arg_specs=(
        '--source[Where the device list comes from\: auto, netlink, udev or sysfs.]:source:{__rdmactl_complete "${___source[@]}"}'
        '--root[Read a captured or simulated tree\: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env\: RDMACTL_ROOT.]:dir:'
        '--emulated[Use the built-in emulated kernel (hfi1_0 and qib0). Env\: RDMACTL_EMULATE=1|SET.]'
        '--emulated-set[Emulated devices\: all, none, or ITEM\[,ITEM\] with ITEM = hfi1\[\:N\] | qib\[\:N\]. Implies --emulated.]:set:'
        '--profile[Emulated kernel profile\: proposed, mainline or legacy. Env\: RDMACTL_PROFILE.]:profile:'
        '--emulated-hotplug[Scripted hot-unplug, replug and rename of emulated devices\: STEP\[,STEP\], STEP = unplug DEV\[@TIME\] | replug DEV\[@TIME\] | rename DEV NEW\[@TIME\], e.g. '\''unplug hfi1_0@0.2s,replug hfi1_0@0.5s'\'' (times from monitor'\''s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env\: RDMACTL_EMULATE_HOTPLUG.]:schedule:'
        '--emulated-user[Credentials the emulated kernel checks node modes against.]:uid\[\:gid\]:'
        '(-j --json)'{-j,--json}'[Print one JSON document (schema rdmactl/1) on stdout.]'
        '(-p --pretty)'{-p,--pretty}'[Indent JSON output.]'
        '--strict[Treat any warning (a broken sysfs entry) as an error\: exit 65.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rdmactl_show() {
    local -i ret=1
    local -ar ___source=('auto' 'netlink' 'udev' 'sysfs')
    local -ar arg_specs=(
        ':dev\[/port\]:'
        '--source[Where the device list comes from\: auto, netlink, udev or sysfs.]:source:{__rdmactl_complete "${___source[@]}"}'
        '--root[Read a captured or simulated tree\: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env\: RDMACTL_ROOT.]:dir:'
        '--emulated[Use the built-in emulated kernel (hfi1_0 and qib0). Env\: RDMACTL_EMULATE=1|SET.]'
        '--emulated-set[Emulated devices\: all, none, or ITEM\[,ITEM\] with ITEM = hfi1\[\:N\] | qib\[\:N\]. Implies --emulated.]:set:'
        '--profile[Emulated kernel profile\: proposed, mainline or legacy. Env\: RDMACTL_PROFILE.]:profile:'
        '--emulated-hotplug[Scripted hot-unplug, replug and rename of emulated devices\: STEP\[,STEP\], STEP = unplug DEV\[@TIME\] | replug DEV\[@TIME\] | rename DEV NEW\[@TIME\], e.g. '\''unplug hfi1_0@0.2s,replug hfi1_0@0.5s'\'' (times from monitor'\''s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env\: RDMACTL_EMULATE_HOTPLUG.]:schedule:'
        '--emulated-user[Credentials the emulated kernel checks node modes against.]:uid\[\:gid\]:'
        '(-j --json)'{-j,--json}'[Print one JSON document (schema rdmactl/1) on stdout.]'
        '(-p --pretty)'{-p,--pretty}'[Indent JSON output.]'
        '--strict[Treat any warning (a broken sysfs entry) as an error\: exit 65.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rdmactl_facets() {
    local -i ret=1
    local -ar ___source=('auto' 'netlink' 'udev' 'sysfs')
    local -ar arg_specs=(
        ':dev:'
        '--probe[Confirm each facet by negotiating its own versions, newest first (opens and closes nodes; never issm).]'
        '--source[Where the device list comes from\: auto, netlink, udev or sysfs.]:source:{__rdmactl_complete "${___source[@]}"}'
        '--root[Read a captured or simulated tree\: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env\: RDMACTL_ROOT.]:dir:'
        '--emulated[Use the built-in emulated kernel (hfi1_0 and qib0). Env\: RDMACTL_EMULATE=1|SET.]'
        '--emulated-set[Emulated devices\: all, none, or ITEM\[,ITEM\] with ITEM = hfi1\[\:N\] | qib\[\:N\]. Implies --emulated.]:set:'
        '--profile[Emulated kernel profile\: proposed, mainline or legacy. Env\: RDMACTL_PROFILE.]:profile:'
        '--emulated-hotplug[Scripted hot-unplug, replug and rename of emulated devices\: STEP\[,STEP\], STEP = unplug DEV\[@TIME\] | replug DEV\[@TIME\] | rename DEV NEW\[@TIME\], e.g. '\''unplug hfi1_0@0.2s,replug hfi1_0@0.5s'\'' (times from monitor'\''s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env\: RDMACTL_EMULATE_HOTPLUG.]:schedule:'
        '--emulated-user[Credentials the emulated kernel checks node modes against.]:uid\[\:gid\]:'
        '(-j --json)'{-j,--json}'[Print one JSON document (schema rdmactl/1) on stdout.]'
        '(-p --pretty)'{-p,--pretty}'[Indent JSON output.]'
        '--strict[Treat any warning (a broken sysfs entry) as an error\: exit 65.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rdmactl_open-ops() {
    local -i ret=1
    local -ar ___source=('auto' 'netlink' 'udev' 'sysfs')
    local -ar arg_specs=(
        ':name\[@ver\]:'
        '--device[Only this device (and port, for umad and issm; qib'\''s port for --handshake).]:dev\[/port\]:'
        '*--fallback[Append a candidate to the chain (repeatable).]:name\[@ver\]:'
        '--no-fallback[Try the request alone\: no older majors, no cross-name fallbacks.]'
        '--explain[Print the chain and every attempt, with reasons.]'
        '--handshake[Run the granted interface'\''s first real exchange (context, unit, port, sw_version), then release it.]'
        '--dry-run[Plan only\: print the chain and what would be tried; open nothing (implied by --root).]'
        '--source[Where the device list comes from\: auto, netlink, udev or sysfs.]:source:{__rdmactl_complete "${___source[@]}"}'
        '--root[Read a captured or simulated tree\: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env\: RDMACTL_ROOT.]:dir:'
        '--emulated[Use the built-in emulated kernel (hfi1_0 and qib0). Env\: RDMACTL_EMULATE=1|SET.]'
        '--emulated-set[Emulated devices\: all, none, or ITEM\[,ITEM\] with ITEM = hfi1\[\:N\] | qib\[\:N\]. Implies --emulated.]:set:'
        '--profile[Emulated kernel profile\: proposed, mainline or legacy. Env\: RDMACTL_PROFILE.]:profile:'
        '--emulated-hotplug[Scripted hot-unplug, replug and rename of emulated devices\: STEP\[,STEP\], STEP = unplug DEV\[@TIME\] | replug DEV\[@TIME\] | rename DEV NEW\[@TIME\], e.g. '\''unplug hfi1_0@0.2s,replug hfi1_0@0.5s'\'' (times from monitor'\''s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env\: RDMACTL_EMULATE_HOTPLUG.]:schedule:'
        '--emulated-user[Credentials the emulated kernel checks node modes against.]:uid\[\:gid\]:'
        '(-j --json)'{-j,--json}'[Print one JSON document (schema rdmactl/1) on stdout.]'
        '(-p --pretty)'{-p,--pretty}'[Indent JSON output.]'
        '--strict[Treat any warning (a broken sysfs entry) as an error\: exit 65.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rdmactl_snapshot() {
    local -i ret=1
    local -ar ___source=('auto' 'netlink' 'udev' 'sysfs')
    local -ar arg_specs=(
        ':out:'
        '--force[Replace an earlier snapshot in OUT.]'
        '--source[Where the device list comes from\: auto, netlink, udev or sysfs.]:source:{__rdmactl_complete "${___source[@]}"}'
        '--root[Read a captured or simulated tree\: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env\: RDMACTL_ROOT.]:dir:'
        '--emulated[Use the built-in emulated kernel (hfi1_0 and qib0). Env\: RDMACTL_EMULATE=1|SET.]'
        '--emulated-set[Emulated devices\: all, none, or ITEM\[,ITEM\] with ITEM = hfi1\[\:N\] | qib\[\:N\]. Implies --emulated.]:set:'
        '--profile[Emulated kernel profile\: proposed, mainline or legacy. Env\: RDMACTL_PROFILE.]:profile:'
        '--emulated-hotplug[Scripted hot-unplug, replug and rename of emulated devices\: STEP\[,STEP\], STEP = unplug DEV\[@TIME\] | replug DEV\[@TIME\] | rename DEV NEW\[@TIME\], e.g. '\''unplug hfi1_0@0.2s,replug hfi1_0@0.5s'\'' (times from monitor'\''s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env\: RDMACTL_EMULATE_HOTPLUG.]:schedule:'
        '--emulated-user[Credentials the emulated kernel checks node modes against.]:uid\[\:gid\]:'
        '(-j --json)'{-j,--json}'[Print one JSON document (schema rdmactl/1) on stdout.]'
        '(-p --pretty)'{-p,--pretty}'[Indent JSON output.]'
        '--strict[Treat any warning (a broken sysfs entry) as an error\: exit 65.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rdmactl_doctor() {
    local -i ret=1
    local -ar ___source=('auto' 'netlink' 'udev' 'sysfs')
    local -ar arg_specs=(
        '--source[Where the device list comes from\: auto, netlink, udev or sysfs.]:source:{__rdmactl_complete "${___source[@]}"}'
        '--root[Read a captured or simulated tree\: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env\: RDMACTL_ROOT.]:dir:'
        '--emulated[Use the built-in emulated kernel (hfi1_0 and qib0). Env\: RDMACTL_EMULATE=1|SET.]'
        '--emulated-set[Emulated devices\: all, none, or ITEM\[,ITEM\] with ITEM = hfi1\[\:N\] | qib\[\:N\]. Implies --emulated.]:set:'
        '--profile[Emulated kernel profile\: proposed, mainline or legacy. Env\: RDMACTL_PROFILE.]:profile:'
        '--emulated-hotplug[Scripted hot-unplug, replug and rename of emulated devices\: STEP\[,STEP\], STEP = unplug DEV\[@TIME\] | replug DEV\[@TIME\] | rename DEV NEW\[@TIME\], e.g. '\''unplug hfi1_0@0.2s,replug hfi1_0@0.5s'\'' (times from monitor'\''s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env\: RDMACTL_EMULATE_HOTPLUG.]:schedule:'
        '--emulated-user[Credentials the emulated kernel checks node modes against.]:uid\[\:gid\]:'
        '(-j --json)'{-j,--json}'[Print one JSON document (schema rdmactl/1) on stdout.]'
        '(-p --pretty)'{-p,--pretty}'[Indent JSON output.]'
        '--strict[Treat any warning (a broken sysfs entry) as an error\: exit 65.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rdmactl_monitor() {
    local -i ret=1
    local -ar ___source=('auto' 'netlink' 'udev' 'sysfs')
    local -ar arg_specs=(
        '--count[Stop after N device events (the ready event is not counted).]:n:'
        '--timeout[Stop after this many seconds (exit 0), whether or not any event came.]:seconds:'
        '--source[Where the device list comes from\: auto, netlink, udev or sysfs.]:source:{__rdmactl_complete "${___source[@]}"}'
        '--root[Read a captured or simulated tree\: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env\: RDMACTL_ROOT.]:dir:'
        '--emulated[Use the built-in emulated kernel (hfi1_0 and qib0). Env\: RDMACTL_EMULATE=1|SET.]'
        '--emulated-set[Emulated devices\: all, none, or ITEM\[,ITEM\] with ITEM = hfi1\[\:N\] | qib\[\:N\]. Implies --emulated.]:set:'
        '--profile[Emulated kernel profile\: proposed, mainline or legacy. Env\: RDMACTL_PROFILE.]:profile:'
        '--emulated-hotplug[Scripted hot-unplug, replug and rename of emulated devices\: STEP\[,STEP\], STEP = unplug DEV\[@TIME\] | replug DEV\[@TIME\] | rename DEV NEW\[@TIME\], e.g. '\''unplug hfi1_0@0.2s,replug hfi1_0@0.5s'\'' (times from monitor'\''s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env\: RDMACTL_EMULATE_HOTPLUG.]:schedule:'
        '--emulated-user[Credentials the emulated kernel checks node modes against.]:uid\[\:gid\]:'
        '(-j --json)'{-j,--json}'[Print one JSON document (schema rdmactl/1) on stdout.]'
        '(-p --pretty)'{-p,--pretty}'[Indent JSON output.]'
        '--strict[Treat any warning (a broken sysfs entry) as an error\: exit 65.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rdmactl_gather() {
    local -i ret=1
    local -ar ___source=('auto' 'netlink' 'udev' 'sysfs')
    local -ar arg_specs=(
        ':file|dir|-:'
        '--expect[Hosts that must answer, folded or not (node\[1-4\],login1)\: a missing one is listed as silent.]:hostlist:'
        '--source[Where the device list comes from\: auto, netlink, udev or sysfs.]:source:{__rdmactl_complete "${___source[@]}"}'
        '--root[Read a captured or simulated tree\: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env\: RDMACTL_ROOT.]:dir:'
        '--emulated[Use the built-in emulated kernel (hfi1_0 and qib0). Env\: RDMACTL_EMULATE=1|SET.]'
        '--emulated-set[Emulated devices\: all, none, or ITEM\[,ITEM\] with ITEM = hfi1\[\:N\] | qib\[\:N\]. Implies --emulated.]:set:'
        '--profile[Emulated kernel profile\: proposed, mainline or legacy. Env\: RDMACTL_PROFILE.]:profile:'
        '--emulated-hotplug[Scripted hot-unplug, replug and rename of emulated devices\: STEP\[,STEP\], STEP = unplug DEV\[@TIME\] | replug DEV\[@TIME\] | rename DEV NEW\[@TIME\], e.g. '\''unplug hfi1_0@0.2s,replug hfi1_0@0.5s'\'' (times from monitor'\''s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env\: RDMACTL_EMULATE_HOTPLUG.]:schedule:'
        '--emulated-user[Credentials the emulated kernel checks node modes against.]:uid\[\:gid\]:'
        '(-j --json)'{-j,--json}'[Print one JSON document (schema rdmactl/1) on stdout.]'
        '(-p --pretty)'{-p,--pretty}'[Indent JSON output.]'
        '--strict[Treat any warning (a broken sysfs entry) as an error\: exit 65.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rdmactl_fleet() {
    local -i ret=1
    local -ar ___via=('slurm' 'clush' 'pdsh')
    local -ar ___source=('auto' 'netlink' 'udev' 'sysfs')
    local -ar arg_specs=(
        '--via[The engine\: slurm (srun), clush (ClusterShell) or pdsh.]:engine:{__rdmactl_complete "${___via[@]}"}'
        '--dry-run[Print the engine'\''s command line; run nothing.]'
        '--engine[The engine'\''s executable (default\: srun, clush or pdsh on PATH).]:path:'
        '--rdmactl[rdmactl on the nodes (default\: rdmactl on their PATH).]:path:'
        '--output-dir[slurm\: where srun writes DIR/%N.json (default\: a new directory under the current one, removed afterwards). The nodes must see it.]:dir:'
        '--keep[slurm\: keep the output directory.]'
        '--immediate[slurm\: srun --immediate, seconds to wait for the nodes before giving up.]:seconds:'
        '--source[Where the device list comes from\: auto, netlink, udev or sysfs.]:source:{__rdmactl_complete "${___source[@]}"}'
        '--root[Read a captured or simulated tree\: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env\: RDMACTL_ROOT.]:dir:'
        '--emulated[Use the built-in emulated kernel (hfi1_0 and qib0). Env\: RDMACTL_EMULATE=1|SET.]'
        '--emulated-set[Emulated devices\: all, none, or ITEM\[,ITEM\] with ITEM = hfi1\[\:N\] | qib\[\:N\]. Implies --emulated.]:set:'
        '--profile[Emulated kernel profile\: proposed, mainline or legacy. Env\: RDMACTL_PROFILE.]:profile:'
        '--emulated-hotplug[Scripted hot-unplug, replug and rename of emulated devices\: STEP\[,STEP\], STEP = unplug DEV\[@TIME\] | replug DEV\[@TIME\] | rename DEV NEW\[@TIME\], e.g. '\''unplug hfi1_0@0.2s,replug hfi1_0@0.5s'\'' (times from monitor'\''s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env\: RDMACTL_EMULATE_HOTPLUG.]:schedule:'
        '--emulated-user[Credentials the emulated kernel checks node modes against.]:uid\[\:gid\]:'
        '(-j --json)'{-j,--json}'[Print one JSON document (schema rdmactl/1) on stdout.]'
        '(-p --pretty)'{-p,--pretty}'[Indent JSON output.]'
        '--strict[Treat any warning (a broken sysfs entry) as an error\: exit 65.]'
        '*:engine-options -- command:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rdmactl_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _rdmactl ]]; then
    _rdmactl "${@}"
else
    compdef _rdmactl rdmactl
fi
