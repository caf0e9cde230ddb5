// Pure: the lines of a failed network git command's stderr that say why. git closes every
// transport failure with the same boilerplate ("fatal: Could not read from remote repository." and
// "Please make sure you have the correct access rights / and the repository exists."); kept as
// the last lines of a message, they pushed out the cause ssh printed above them
// ("Host key verification failed.", "Permission denied (publickey).").
const BOILERPLATE = [
  /^fatal: Could not read from remote repository\.$/,
  /^Please make sure you have the correct access rights$/,
  /^and the repository exists\.$/,
];

/** The last `n` meaningful lines (all the lines when none is meaningful). */
export function causeLines(stderr: string, n = 3): string[] {
  const lines = stderr.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  const meaningful = lines.filter((l) => !BOILERPLATE.some((re) => re.test(l.trim())));
  return (meaningful.length > 0 ? meaningful : lines).slice(-n);
}
