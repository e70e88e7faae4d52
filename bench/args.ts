// Command-line arguments of the gate benchmarks: whole-number flags with defaults, and --only to
// run some of the named sections.

export function benchArgs<S extends string>(sections: readonly S[], defaults: Readonly<Record<string, number>>): { numbers: Record<string, number>; only: Set<S> } {
  const numbers = { ...defaults };
  let only = new Set<S>(sections);
  const argv = process.argv.slice(2);
  const flags = Object.keys(defaults).map((k) => `--${k} N`);
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--only') {
      const names = (argv[i + 1] ?? '').split(',');
      const unknown = names.filter((n) => !(sections as readonly string[]).includes(n));
      if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.join(', ')}; expected some of ${sections.join(', ')}`);
      only = new Set(names as S[]);
      continue;
    }
    const name = argv[i].replace(/^--/, '');
    if (!argv[i].startsWith('--') || !Object.hasOwn(defaults, name)) throw new Error(`unknown argument ${argv[i]}; expected ${flags.join(', ')} or --only SECTION,…`);
    const value = Number(argv[i + 1]);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${argv[i]} needs a whole number ≥ 1, got ${argv[i + 1]}`);
    numbers[name] = value;
  }
  return { numbers, only };
}
