// HTTP statuses for HeraldError codes: the caller's mistake is a 4xx, with the code in the body.
const STATUS: Record<string, number> = {
  USAGE: 400, NOT_A_REPO: 400, CONFIG: 400,
  NO_SUCH_REPO: 404, NO_SUCH_FILE: 404, NO_SUCH_CONFLICT: 404,
  DIRTY: 409, REPO_DOWN: 409,
};

export const errorStatus = (code: string | undefined): number => (code !== undefined ? STATUS[code] : undefined) ?? 500;
