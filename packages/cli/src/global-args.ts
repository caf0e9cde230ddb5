// Options every command accepts (declared once in bin.ts with `global: true`).
export interface GlobalArgs {
  verbose?: boolean;
}
