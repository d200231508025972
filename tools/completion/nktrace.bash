# SPDX-License-Identifier: ISC
# bash completion for nktrace: the commands, and each command's long
# options as its own --help lists them (so completion follows the binary
# it completes).  Installed by meson into
# share/bash-completion/completions/nktrace.
_nktrace()
{
	local cur prev cmd opts
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" --help 2>/dev/null |
			awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}')
			--help --version" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}
	case "$prev" in
	--db | --json | --traces | --transits | --asn-db | --geo-db | \
		--events | --pcap-out | --atlas-key-file | --report-json | \
		--report-prom | --report-html | -o | -f | --file | --html | --prom)
		COMPREPLY=($(compgen -f -- "$cur"))
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
	atlas) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W create -- "$cur")) ;;
	esac
}
complete -F _nktrace nktrace
