function __rdmactl_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rdmactl_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __rdmactl_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rdmactl_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __rdmactl_parse_tokens -S
    set -l unparsed_tokens (__rdmactl_tokens -pc)
    switch $unparsed_tokens[1]
    case 'rdmactl'
        __rdmactl_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'list'
            __rdmactl_parse_subcommand 0 'source=' 'root=' 'emulated' 'emulated-set=' 'profile=' 'emulated-hotplug=' 'emulated-user=' 'j/json' 'p/pretty' 'strict' 'version' 'h/help'
        case 'show'
            __rdmactl_parse_subcommand 1 'source=' 'root=' 'emulated' 'emulated-set=' 'profile=' 'emulated-hotplug=' 'emulated-user=' 'j/json' 'p/pretty' 'strict' 'version' 'h/help'
        case 'facets'
            __rdmactl_parse_subcommand 1 'probe' 'source=' 'root=' 'emulated' 'emulated-set=' 'profile=' 'emulated-hotplug=' 'emulated-user=' 'j/json' 'p/pretty' 'strict' 'version' 'h/help'
        case 'open-ops'
            __rdmactl_parse_subcommand 1 'device=' 'fallback=+' 'no-fallback' 'explain' 'handshake' 'dry-run' 'source=' 'root=' 'emulated' 'emulated-set=' 'profile=' 'emulated-hotplug=' 'emulated-user=' 'j/json' 'p/pretty' 'strict' 'version' 'h/help'
        case 'snapshot'
            __rdmactl_parse_subcommand 1 'force' 'source=' 'root=' 'emulated' 'emulated-set=' 'profile=' 'emulated-hotplug=' 'emulated-user=' 'j/json' 'p/pretty' 'strict' 'version' 'h/help'
        case 'doctor'
            __rdmactl_parse_subcommand 0 'source=' 'root=' 'emulated' 'emulated-set=' 'profile=' 'emulated-hotplug=' 'emulated-user=' 'j/json' 'p/pretty' 'strict' 'version' 'h/help'
        case 'monitor'
            __rdmactl_parse_subcommand 0 'count=' 'timeout=' 'source=' 'root=' 'emulated' 'emulated-set=' 'profile=' 'emulated-hotplug=' 'emulated-user=' 'j/json' 'p/pretty' 'strict' 'version' 'h/help'
        case 'gather'
            __rdmactl_parse_subcommand 1 'expect=' 'source=' 'root=' 'emulated' 'emulated-set=' 'profile=' 'emulated-hotplug=' 'emulated-user=' 'j/json' 'p/pretty' 'strict' 'version' 'h/help'
        case 'fleet'
            __rdmactl_parse_subcommand -r 1 'via=' 'dry-run' 'engine=' 'rdmactl=' 'output-dir=' 'keep' 'immediate=' 'source=' 'root=' 'emulated' 'emulated-set=' 'profile=' 'emulated-hotplug=' 'emulated-user=' 'j/json' 'p/pretty' 'strict' 'version' 'h/help'
        case 'help'
            __rdmactl_parse_subcommand -r 1 'version'
        end
    end
end

function __rdmactl_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __rdmactl_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __rdmactl_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __rdmactl_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__rdmactl_tokens -p)
    if test -z "$(__rdmactl_tokens -t)"
        set -l index (count (__rdmactl_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'rdmactl' -f
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl" version' -l 'version' -d 'Show the version.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_positional "rdmactl" -eq 1' -fa 'list' -d 'List RDMA devices: name, driver, node type, GUID, port states, uverbs node.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_positional "rdmactl" -eq 1' -fa 'show' -d 'Show everything known about one device or port.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_positional "rdmactl" -eq 1' -fa 'facets' -d 'List the facets each device offers, with versions and transports.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_positional "rdmactl" -eq 1' -fa 'open-ops' -d 'Negotiate a driver-ops facet by name and ABI version, with an explained fallback chain.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_positional "rdmactl" -eq 1' -fa 'snapshot' -d 'Capture the RDMA part of sysfs and /dev metadata into a directory or a tar stream.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_positional "rdmactl" -eq 1' -fa 'doctor' -d 'Diagnose why RDMA devices are not usable here ("No IB devices found").'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_positional "rdmactl" -eq 1' -fa 'monitor' -d 'Print RDMA device add/remove/rename events as they happen.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_positional "rdmactl" -eq 1' -fa 'gather' -d 'Group many hosts\' rdmactl/1 envelopes by identical verdict.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_positional "rdmactl" -eq 1' -fa 'fleet' -d 'Run an rdmactl command on many nodes through Slurm, ClusterShell or pdsh, and gather the answers.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_positional "rdmactl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl list" source' -l 'source' -d 'Where the device list comes from: auto, netlink, udev or sysfs.' -rfka 'auto netlink udev sysfs'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl list" root' -l 'root' -d 'Read a captured or simulated tree: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env: RDMACTL_ROOT.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl list" emulated' -l 'emulated' -d 'Use the built-in emulated kernel (hfi1_0 and qib0). Env: RDMACTL_EMULATE=1|SET.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl list" emulated-set' -l 'emulated-set' -d 'Emulated devices: all, none, or ITEM[,ITEM] with ITEM = hfi1[:N] | qib[:N]. Implies --emulated.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl list" profile' -l 'profile' -d 'Emulated kernel profile: proposed, mainline or legacy. Env: RDMACTL_PROFILE.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl list" emulated-hotplug' -l 'emulated-hotplug' -d 'Scripted hot-unplug, replug and rename of emulated devices: STEP[,STEP], STEP = unplug DEV[@TIME] | replug DEV[@TIME] | rename DEV NEW[@TIME], e.g. \'unplug hfi1_0@0.2s,replug hfi1_0@0.5s\' (times from monitor\'s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env: RDMACTL_EMULATE_HOTPLUG.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl list" emulated-user' -l 'emulated-user' -d 'Credentials the emulated kernel checks node modes against.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl list" j json' -s 'j' -l 'json' -d 'Print one JSON document (schema rdmactl/1) on stdout.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl list" p pretty' -s 'p' -l 'pretty' -d 'Indent JSON output.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl list" strict' -l 'strict' -d 'Treat any warning (a broken sysfs entry) as an error: exit 65.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl list" version' -l 'version' -d 'Show the version.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl show" source' -l 'source' -d 'Where the device list comes from: auto, netlink, udev or sysfs.' -rfka 'auto netlink udev sysfs'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl show" root' -l 'root' -d 'Read a captured or simulated tree: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env: RDMACTL_ROOT.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl show" emulated' -l 'emulated' -d 'Use the built-in emulated kernel (hfi1_0 and qib0). Env: RDMACTL_EMULATE=1|SET.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl show" emulated-set' -l 'emulated-set' -d 'Emulated devices: all, none, or ITEM[,ITEM] with ITEM = hfi1[:N] | qib[:N]. Implies --emulated.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl show" profile' -l 'profile' -d 'Emulated kernel profile: proposed, mainline or legacy. Env: RDMACTL_PROFILE.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl show" emulated-hotplug' -l 'emulated-hotplug' -d 'Scripted hot-unplug, replug and rename of emulated devices: STEP[,STEP], STEP = unplug DEV[@TIME] | replug DEV[@TIME] | rename DEV NEW[@TIME], e.g. \'unplug hfi1_0@0.2s,replug hfi1_0@0.5s\' (times from monitor\'s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env: RDMACTL_EMULATE_HOTPLUG.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl show" emulated-user' -l 'emulated-user' -d 'Credentials the emulated kernel checks node modes against.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl show" j json' -s 'j' -l 'json' -d 'Print one JSON document (schema rdmactl/1) on stdout.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl show" p pretty' -s 'p' -l 'pretty' -d 'Indent JSON output.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl show" strict' -l 'strict' -d 'Treat any warning (a broken sysfs entry) as an error: exit 65.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl show" version' -l 'version' -d 'Show the version.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl facets" probe' -l 'probe' -d 'Confirm each facet by negotiating its own versions, newest first (opens and closes nodes; never issm).'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl facets" source' -l 'source' -d 'Where the device list comes from: auto, netlink, udev or sysfs.' -rfka 'auto netlink udev sysfs'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl facets" root' -l 'root' -d 'Read a captured or simulated tree: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env: RDMACTL_ROOT.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl facets" emulated' -l 'emulated' -d 'Use the built-in emulated kernel (hfi1_0 and qib0). Env: RDMACTL_EMULATE=1|SET.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl facets" emulated-set' -l 'emulated-set' -d 'Emulated devices: all, none, or ITEM[,ITEM] with ITEM = hfi1[:N] | qib[:N]. Implies --emulated.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl facets" profile' -l 'profile' -d 'Emulated kernel profile: proposed, mainline or legacy. Env: RDMACTL_PROFILE.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl facets" emulated-hotplug' -l 'emulated-hotplug' -d 'Scripted hot-unplug, replug and rename of emulated devices: STEP[,STEP], STEP = unplug DEV[@TIME] | replug DEV[@TIME] | rename DEV NEW[@TIME], e.g. \'unplug hfi1_0@0.2s,replug hfi1_0@0.5s\' (times from monitor\'s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env: RDMACTL_EMULATE_HOTPLUG.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl facets" emulated-user' -l 'emulated-user' -d 'Credentials the emulated kernel checks node modes against.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl facets" j json' -s 'j' -l 'json' -d 'Print one JSON document (schema rdmactl/1) on stdout.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl facets" p pretty' -s 'p' -l 'pretty' -d 'Indent JSON output.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl facets" strict' -l 'strict' -d 'Treat any warning (a broken sysfs entry) as an error: exit 65.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl facets" version' -l 'version' -d 'Show the version.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl facets" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" device' -l 'device' -d 'Only this device (and port, for umad and issm; qib\'s port for --handshake).' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops"' -l 'fallback' -d 'Append a candidate to the chain (repeatable).' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" no-fallback' -l 'no-fallback' -d 'Try the request alone: no older majors, no cross-name fallbacks.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" explain' -l 'explain' -d 'Print the chain and every attempt, with reasons.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" handshake' -l 'handshake' -d 'Run the granted interface\'s first real exchange (context, unit, port, sw_version), then release it.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" dry-run' -l 'dry-run' -d 'Plan only: print the chain and what would be tried; open nothing (implied by --root).'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" source' -l 'source' -d 'Where the device list comes from: auto, netlink, udev or sysfs.' -rfka 'auto netlink udev sysfs'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" root' -l 'root' -d 'Read a captured or simulated tree: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env: RDMACTL_ROOT.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" emulated' -l 'emulated' -d 'Use the built-in emulated kernel (hfi1_0 and qib0). Env: RDMACTL_EMULATE=1|SET.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" emulated-set' -l 'emulated-set' -d 'Emulated devices: all, none, or ITEM[,ITEM] with ITEM = hfi1[:N] | qib[:N]. Implies --emulated.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" profile' -l 'profile' -d 'Emulated kernel profile: proposed, mainline or legacy. Env: RDMACTL_PROFILE.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" emulated-hotplug' -l 'emulated-hotplug' -d 'Scripted hot-unplug, replug and rename of emulated devices: STEP[,STEP], STEP = unplug DEV[@TIME] | replug DEV[@TIME] | rename DEV NEW[@TIME], e.g. \'unplug hfi1_0@0.2s,replug hfi1_0@0.5s\' (times from monitor\'s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env: RDMACTL_EMULATE_HOTPLUG.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" emulated-user' -l 'emulated-user' -d 'Credentials the emulated kernel checks node modes against.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" j json' -s 'j' -l 'json' -d 'Print one JSON document (schema rdmactl/1) on stdout.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" p pretty' -s 'p' -l 'pretty' -d 'Indent JSON output.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" strict' -l 'strict' -d 'Treat any warning (a broken sysfs entry) as an error: exit 65.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" version' -l 'version' -d 'Show the version.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl open-ops" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl snapshot" force' -l 'force' -d 'Replace an earlier snapshot in OUT.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl snapshot" source' -l 'source' -d 'Where the device list comes from: auto, netlink, udev or sysfs.' -rfka 'auto netlink udev sysfs'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl snapshot" root' -l 'root' -d 'Read a captured or simulated tree: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env: RDMACTL_ROOT.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl snapshot" emulated' -l 'emulated' -d 'Use the built-in emulated kernel (hfi1_0 and qib0). Env: RDMACTL_EMULATE=1|SET.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl snapshot" emulated-set' -l 'emulated-set' -d 'Emulated devices: all, none, or ITEM[,ITEM] with ITEM = hfi1[:N] | qib[:N]. Implies --emulated.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl snapshot" profile' -l 'profile' -d 'Emulated kernel profile: proposed, mainline or legacy. Env: RDMACTL_PROFILE.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl snapshot" emulated-hotplug' -l 'emulated-hotplug' -d 'Scripted hot-unplug, replug and rename of emulated devices: STEP[,STEP], STEP = unplug DEV[@TIME] | replug DEV[@TIME] | rename DEV NEW[@TIME], e.g. \'unplug hfi1_0@0.2s,replug hfi1_0@0.5s\' (times from monitor\'s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env: RDMACTL_EMULATE_HOTPLUG.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl snapshot" emulated-user' -l 'emulated-user' -d 'Credentials the emulated kernel checks node modes against.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl snapshot" j json' -s 'j' -l 'json' -d 'Print one JSON document (schema rdmactl/1) on stdout.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl snapshot" p pretty' -s 'p' -l 'pretty' -d 'Indent JSON output.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl snapshot" strict' -l 'strict' -d 'Treat any warning (a broken sysfs entry) as an error: exit 65.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl snapshot" version' -l 'version' -d 'Show the version.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl snapshot" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl doctor" source' -l 'source' -d 'Where the device list comes from: auto, netlink, udev or sysfs.' -rfka 'auto netlink udev sysfs'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl doctor" root' -l 'root' -d 'Read a captured or simulated tree: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env: RDMACTL_ROOT.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl doctor" emulated' -l 'emulated' -d 'Use the built-in emulated kernel (hfi1_0 and qib0). Env: RDMACTL_EMULATE=1|SET.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl doctor" emulated-set' -l 'emulated-set' -d 'Emulated devices: all, none, or ITEM[,ITEM] with ITEM = hfi1[:N] | qib[:N]. Implies --emulated.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl doctor" profile' -l 'profile' -d 'Emulated kernel profile: proposed, mainline or legacy. Env: RDMACTL_PROFILE.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl doctor" emulated-hotplug' -l 'emulated-hotplug' -d 'Scripted hot-unplug, replug and rename of emulated devices: STEP[,STEP], STEP = unplug DEV[@TIME] | replug DEV[@TIME] | rename DEV NEW[@TIME], e.g. \'unplug hfi1_0@0.2s,replug hfi1_0@0.5s\' (times from monitor\'s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env: RDMACTL_EMULATE_HOTPLUG.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl doctor" emulated-user' -l 'emulated-user' -d 'Credentials the emulated kernel checks node modes against.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl doctor" j json' -s 'j' -l 'json' -d 'Print one JSON document (schema rdmactl/1) on stdout.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl doctor" p pretty' -s 'p' -l 'pretty' -d 'Indent JSON output.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl doctor" strict' -l 'strict' -d 'Treat any warning (a broken sysfs entry) as an error: exit 65.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl doctor" version' -l 'version' -d 'Show the version.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl doctor" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl monitor" count' -l 'count' -d 'Stop after N device events (the ready event is not counted).' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl monitor" timeout' -l 'timeout' -d 'Stop after this many seconds (exit 0), whether or not any event came.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl monitor" source' -l 'source' -d 'Where the device list comes from: auto, netlink, udev or sysfs.' -rfka 'auto netlink udev sysfs'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl monitor" root' -l 'root' -d 'Read a captured or simulated tree: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env: RDMACTL_ROOT.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl monitor" emulated' -l 'emulated' -d 'Use the built-in emulated kernel (hfi1_0 and qib0). Env: RDMACTL_EMULATE=1|SET.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl monitor" emulated-set' -l 'emulated-set' -d 'Emulated devices: all, none, or ITEM[,ITEM] with ITEM = hfi1[:N] | qib[:N]. Implies --emulated.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl monitor" profile' -l 'profile' -d 'Emulated kernel profile: proposed, mainline or legacy. Env: RDMACTL_PROFILE.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl monitor" emulated-hotplug' -l 'emulated-hotplug' -d 'Scripted hot-unplug, replug and rename of emulated devices: STEP[,STEP], STEP = unplug DEV[@TIME] | replug DEV[@TIME] | rename DEV NEW[@TIME], e.g. \'unplug hfi1_0@0.2s,replug hfi1_0@0.5s\' (times from monitor\'s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env: RDMACTL_EMULATE_HOTPLUG.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl monitor" emulated-user' -l 'emulated-user' -d 'Credentials the emulated kernel checks node modes against.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl monitor" j json' -s 'j' -l 'json' -d 'Print one JSON document (schema rdmactl/1) on stdout.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl monitor" p pretty' -s 'p' -l 'pretty' -d 'Indent JSON output.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl monitor" strict' -l 'strict' -d 'Treat any warning (a broken sysfs entry) as an error: exit 65.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl monitor" version' -l 'version' -d 'Show the version.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl monitor" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl gather" expect' -l 'expect' -d 'Hosts that must answer, folded or not (node[1-4],login1): a missing one is listed as silent.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl gather" source' -l 'source' -d 'Where the device list comes from: auto, netlink, udev or sysfs.' -rfka 'auto netlink udev sysfs'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl gather" root' -l 'root' -d 'Read a captured or simulated tree: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env: RDMACTL_ROOT.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl gather" emulated' -l 'emulated' -d 'Use the built-in emulated kernel (hfi1_0 and qib0). Env: RDMACTL_EMULATE=1|SET.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl gather" emulated-set' -l 'emulated-set' -d 'Emulated devices: all, none, or ITEM[,ITEM] with ITEM = hfi1[:N] | qib[:N]. Implies --emulated.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl gather" profile' -l 'profile' -d 'Emulated kernel profile: proposed, mainline or legacy. Env: RDMACTL_PROFILE.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl gather" emulated-hotplug' -l 'emulated-hotplug' -d 'Scripted hot-unplug, replug and rename of emulated devices: STEP[,STEP], STEP = unplug DEV[@TIME] | replug DEV[@TIME] | rename DEV NEW[@TIME], e.g. \'unplug hfi1_0@0.2s,replug hfi1_0@0.5s\' (times from monitor\'s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env: RDMACTL_EMULATE_HOTPLUG.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl gather" emulated-user' -l 'emulated-user' -d 'Credentials the emulated kernel checks node modes against.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl gather" j json' -s 'j' -l 'json' -d 'Print one JSON document (schema rdmactl/1) on stdout.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl gather" p pretty' -s 'p' -l 'pretty' -d 'Indent JSON output.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl gather" strict' -l 'strict' -d 'Treat any warning (a broken sysfs entry) as an error: exit 65.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl gather" version' -l 'version' -d 'Show the version.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl gather" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" via' -l 'via' -d 'The engine: slurm (srun), clush (ClusterShell) or pdsh.' -rfka 'slurm clush pdsh'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" dry-run' -l 'dry-run' -d 'Print the engine\'s command line; run nothing.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" engine' -l 'engine' -d 'The engine\'s executable (default: srun, clush or pdsh on PATH).' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" rdmactl' -l 'rdmactl' -d 'rdmactl on the nodes (default: rdmactl on their PATH).' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" output-dir' -l 'output-dir' -d 'slurm: where srun writes DIR/%N.json (default: a new directory under the current one, removed afterwards). The nodes must see it.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" keep' -l 'keep' -d 'slurm: keep the output directory.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" immediate' -l 'immediate' -d 'slurm: srun --immediate, seconds to wait for the nodes before giving up.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" source' -l 'source' -d 'Where the device list comes from: auto, netlink, udev or sysfs.' -rfka 'auto netlink udev sysfs'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" root' -l 'root' -d 'Read a captured or simulated tree: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env: RDMACTL_ROOT.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" emulated' -l 'emulated' -d 'Use the built-in emulated kernel (hfi1_0 and qib0). Env: RDMACTL_EMULATE=1|SET.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" emulated-set' -l 'emulated-set' -d 'Emulated devices: all, none, or ITEM[,ITEM] with ITEM = hfi1[:N] | qib[:N]. Implies --emulated.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" profile' -l 'profile' -d 'Emulated kernel profile: proposed, mainline or legacy. Env: RDMACTL_PROFILE.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" emulated-hotplug' -l 'emulated-hotplug' -d 'Scripted hot-unplug, replug and rename of emulated devices: STEP[,STEP], STEP = unplug DEV[@TIME] | replug DEV[@TIME] | rename DEV NEW[@TIME], e.g. \'unplug hfi1_0@0.2s,replug hfi1_0@0.5s\' (times from monitor\'s ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env: RDMACTL_EMULATE_HOTPLUG.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" emulated-user' -l 'emulated-user' -d 'Credentials the emulated kernel checks node modes against.' -rfka ''
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" j json' -s 'j' -l 'json' -d 'Print one JSON document (schema rdmactl/1) on stdout.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" p pretty' -s 'p' -l 'pretty' -d 'Indent JSON output.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" strict' -l 'strict' -d 'Treat any warning (a broken sysfs entry) as an error: exit 65.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" version' -l 'version' -d 'Show the version.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl fleet" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rdmactl' -n '__rdmactl_should_offer_completions_for_flags_or_options "rdmactl help" version' -l 'version' -d 'Show the version.'
