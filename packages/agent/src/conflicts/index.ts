// Conflicts kept as variant files: list, show and settle them. One implementation, used by
// `herald conflicts` and by the dashboard.
export { cloneOf, openClone, pathCandidates, type Clone } from "./clone.js";
export { formatList, listConflicts, type ListedConflict, type ListedVariant } from "./list.js";
export { conflictsFor, loadConflicts, SideCache, type ConflictState, type ConflictView } from "./model.js";
export { KEEP_WORDS, resolveConflict } from "./resolve.js";
export { currentFiles, showConflict } from "./show.js";
export { checkRepoPath } from "./repo-path.js";
