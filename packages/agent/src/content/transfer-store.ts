// .git/herald/transfers.json: the unfinished (and cancelled) transfers, written whole after each
// change, one write at a time, through a temp file and a rename so a crash never leaves half a
// file. What is in it is checked when read (transfer-records.ts parseRecords).
import { readFile, rename, writeFile } from "node:fs/promises";
import type { Logger } from "../log.js";
import { parseRecords, persistable, type TransferRecord } from "./transfer-records.js";

export class TransferStore {
  #saving: Promise<void> = Promise.resolve();

  constructor(readonly file: string, private readonly log: Logger) {}

  async load(): Promise<TransferRecord[]> {
    const text = await readFile(this.file, "utf8").catch(() => "[]");
    try {
      return parseRecords(JSON.parse(text));
    } catch {
      this.log.warn("transfers-file-unreadable", { file: this.file });
      return [];
    }
  }

  /** Saves a snapshot taken now; resolves when it (and every earlier one) is written. */
  save(records: TransferRecord[]): Promise<void> {
    const text = JSON.stringify(persistable(records), null, 1);
    this.#saving = this.#saving.then(async () => {
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, this.file);
    }).catch((e: Error) => this.log.warn("transfers-save-failed", { error: e.message }));
    return this.#saving;
  }
}
