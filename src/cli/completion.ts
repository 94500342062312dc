import type { Command } from 'commander';

/**
 * Shell completion generated from the commander tree at run time, so every
 * command and option registered anywhere completes without editing this file.
 */
interface Node {
  path: string;
  commands: { name: string; description: string }[];
  options: { flag: string; description: string }[];
}

export function commandTree(root: Command): Node[] {
  const nodes: Node[] = [];
  const visit = (command: Command, path: string) => {
    const visible = command.commands.filter((c) => !(c as Command & { _hidden?: boolean })._hidden);
    const flags = new Map<string, string>();
    for (const o of command.options) for (const flag of [o.long, o.short]) if (flag) flags.set(flag, o.description);
    flags.set('--help', 'show help');
    // An argument with fixed choices (`completion <shell>`) completes like subcommands.
    const choices = command.registeredArguments[0]?.argChoices ?? [];
    nodes.push({
      path,
      commands: [
        ...visible.map((c) => ({ name: c.name(), description: c.description() })),
        ...choices.map((c) => ({ name: c, description: command.registeredArguments[0]!.description })),
      ],
      options: [...flags].map(([flag, description]) => ({ flag, description })),
    });
    for (const c of visible) visit(c, path ? `${path} ${c.name()}` : c.name());
  };
  visit(root, '');
  return nodes;
}

const single = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function bashCompletion(root: Command): string {
  const nodes = commandTree(root);
  const name = root.name();
  const paths = nodes
    .filter((n) => n.path)
    .map((n) => single(n.path))
    .join('|');
  const cases = nodes.map((n) => {
    const words = n.commands.map((c) => c.name).join(' ');
    const options = n.options.map((o) => o.flag).join(' ');
    return `    ${single(n.path)}) commands=${single(words)}; options=${single(options)} ;;`;
  });
  return `# ${name} completion for bash. Load it in this shell:  source <(${name} completion bash)
# or for every shell:  ${name} completion bash > ~/.local/share/bash-completion/completions/${name}
_${name}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmdpath= word commands options i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    case "\${cmdpath:+$cmdpath }$word" in
      ${paths}) cmdpath="\${cmdpath:+$cmdpath }$word" ;;
    esac
  done
  case "$cmdpath" in
${cases.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  elif [[ -n $commands ]]; then
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
  else
    COMPREPLY=()  # an argument such as a file: the shell's default completion takes over
  fi
}
complete -o default -F _${name} ${name}
`;
}

const described = (items: { name: string; description: string }[]) =>
  items.map((i) => single(`${i.name.replace(/:/g, '\\:')}:${i.description}`)).join(' ');

export function zshCompletion(root: Command): string {
  const nodes = commandTree(root);
  const name = root.name();
  const paths = nodes
    .filter((n) => n.path)
    .map((n) => single(n.path))
    .join('|');
  const cases = nodes.map(
    (n) =>
      `    (${single(n.path)}) commands=(${described(n.commands)}); options=(${described(n.options.map((o) => ({ name: o.flag, description: o.description })))}) ;;`,
  );
  // `path` is zsh's array twin of $PATH, hence `cmdpath`.
  return `#compdef ${name}
# ${name} completion for zsh. Load it in this shell:  source <(${name} completion zsh)
# or for every shell:  ${name} completion zsh > "\${fpath[1]}/_${name}"
_${name}() {
  local cmdpath= word
  local -a commands options
  local -i i
  for (( i = 2; i < CURRENT; i++ )); do
    word=\${words[i]}
    case "\${cmdpath:+$cmdpath }$word" in
      (${paths}) cmdpath="\${cmdpath:+$cmdpath }$word" ;;
    esac
  done
  case "$cmdpath" in
${cases.join('\n')}
  esac
  if [[ $PREFIX == -* ]]; then
    _describe -t options option options
  elif (( \${#commands} )); then
    _describe -t commands command commands
  else
    _files
  fi
}
if [[ \${funcstack[1]} == _${name} ]]; then _${name} "$@"; else compdef _${name} ${name}; fi
`;
}
