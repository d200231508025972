# SPDX-License-Identifier: ISC
# bash completion for nktrace: the commands, each command's long options as
# its own --help lists them (so completion follows the binary it
# completes), and the values of the options that take a known set: methods,
# protocols, areas, formats, times, users, files, network interfaces (--via
# IFACE, from the system) and transit names (compare/run --via NAME=IFACE,
# from the transits file of $NKTRACE_DATA or the install's share/nktrace).
# Installed by meson into share/bash-completion/completions/nktrace.

# The transits' --via names: the first word of each name, lower case
# ("China Unicom" -> china).
_nktrace_transits()
{
	local bin dir f
	bin=$(type -P "$1" 2>/dev/null)
	for dir in "${NKTRACE_DATA:-}" "${bin%/*}/../share/nktrace"; do
		f=$dir/transits.json
		if [ -n "$dir" ] && [ -r "$f" ]; then
			sed -n 's/^ *"name": *"\([^" ]*\).*/\1/p' "$f" |
				tr '[:upper:]' '[:lower:]'
			return
		fi
	done
}

_nktrace()
{
	local cur prev cmd opts i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		# the commands: the lines of the "commands:" block of --help
		COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" --help 2>/dev/null |
			awk '/^commands:/ {on = 1; next} on && !NF {exit}
			     on && /^  [a-z]/ {print $1}')
			--help --version" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}
	# --via NAME=IFACE: bash splits the word at '=' (COMP_WORDBREAKS)
	if [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 3 ] &&
		[ "${COMP_WORDS[COMP_CWORD - 3]}" = "--via" ]; then
		COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur"))
		return
	fi
	case "$prev" in
	--db | --json | --traces | --transits | --asn-db | --geo-db | \
		--events | --pcap-out | --atlas-key-file | --report-json | \
		--report-prom | --report-html | -o | --output | -f | --file | \
		--html | --prom | --mda-out | --targets)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	-P | --method)
		COMPREPLY=($(compgen -W "icmp udp tcp" -- "$cur"))
		return
		;;
	--methods)
		COMPREPLY=($(compgen -W "tcp:80,tcp:443,icmp tcp:80 tcp:443 icmp
			udp:33434" -- "$cur"))
		return
		;;
	--protocols)
		COMPREPLY=($(compgen -W "tcp80 tcp443 icmp tcp80,tcp443" -- "$cur"))
		return
		;;
	--area)
		COMPREPLY=($(compgen -W "WW West North-Central South-Central
			North-East South-East" -- "$cur"))
		return
		;;
	--format)
		COMPREPLY=($(compgen -W "atlas scamper auto" -- "$cur"))
		return
		;;
	--user)
		COMPREPLY=($(compgen -u -- "$cur"))
		return
		;;
	-w | --wait | -i | --interval | --every | --bucket | --keep | \
		--rediscover | --since | --until | --report-since | --ping-interval)
		COMPREPLY=($(compgen -W "500ms 1s 2s 15m 1h 6h 24h 7d 90d" -- "$cur"))
		return
		;;
	--via)
		case "$cmd" in
		compare | run)
			# NAME=IFACE: the transits' names
			compopt -o nospace 2>/dev/null
			COMPREPLY=($(compgen -W "$(_nktrace_transits "${COMP_WORDS[0]}" |
				sed 's/$/=/')" -- "$cur"))
			;;
		*)
			COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" \
				-- "$cur"))
			;;
		esac
		return
		;;
	esac
	if [[ "$cur" == -* ]]; then
		opts=$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null |
			grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	case "$cmd" in
	import | replay | bgp) COMPREPLY=($(compgen -f -- "$cur")) ;;
	atlas)
		for ((i = 2; i < COMP_CWORD; i++)); do
			[ "${COMP_WORDS[i]}" = create ] && return
		done
		COMPREPLY=($(compgen -W create -- "$cur"))
		;;
	esac
}
complete -F _nktrace nktrace
