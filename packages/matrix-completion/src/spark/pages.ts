// A pass over a Parquet file's pages before the Parquet library decodes them,
// so that a damaged file is refused instead of hanging the decoder: hyparquet
// trusts page headers and run lengths (a missing level length makes its
// reader loop forever; a run of 2^31 levels fills an array that long). Each
// column chunk must lie inside the file, each page header must have its
// sizes and counts, and every run-length / bit-packed stream (levels and
// dictionary indices) must stay within its bytes, and each repeated run within
// its page's value count.
// Bad pages throw plain Errors, which the reader reports as INVALID_ARGUMENT.
import type { FileMetaData } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { decompressPage } from "hyparquet/src/datapage.js";
import { getMaxDefinitionLevel, getMaxRepetitionLevel, getSchemaPath } from "hyparquet/src/schema.js";

type Decompressors = Partial<Record<string, (input: Uint8Array, outputLength: number) => Uint8Array>>;

/** Values a page may declare per byte of its compressed size (far above what levels or dictionary indices of real data reach). */
const VALUES_PER_BYTE = 1024;

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

function need(ok: boolean, msg: string): void {
  if (!ok) throw new Error(`damaged page: ${msg}`);
}

const bitWidth = (max: number) => (max === 0 ? 0 : 32 - Math.clz32(max));

/** Walks one run-length / bit-packed hybrid stream of `bytes` [from, from + length) holding up to `count` values of `width` bits. */
function checkRuns(bytes: Uint8Array, from: number, length: number, width: number, count: number, what: string): void {
  need(from + length <= bytes.length && width <= 32, `${what} runs past the page`);
  const end = from + length, valueBytes = (width + 7) >> 3;
  let at = from, seen = 0;
  while (seen < count && at < end) {
    let header = 0, shift = 0, byte: number;
    do {
      need(at < end && shift < 35, `${what}: a run header runs past its bytes`);
      byte = bytes[at++];
      header += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    if (header % 2 === 1) {
      // The decoder stores no more than the page's count from a bit-packed run (writers may pad it), and reads its bytes.
      const groups = Math.floor(header / 2);
      need(width > 0 && at + groups * width <= end, `${what}: a bit-packed run of ${groups * 8} values past its bytes`);
      at += groups * width;
      seen += groups * 8;
    } else {
      // The decoder stores a whole repeated run, so one longer than the values left would grow its array past the page.
      const run = header / 2;
      need(run <= count - seen, `${what}: a run of ${run} values where ${count - seen} remain`);
      at += valueBytes;
      seen += run;
    }
  }
  need(at <= end, `${what} runs past its bytes`);
}

/** Checks every page of every column chunk of a Parquet file (see the file comment). */
export function checkPages(file: ArrayBuffer, metadata: FileMetaData, compressors: Decompressors | undefined): void {
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      need(meta !== undefined, "a column chunk without metadata");
      // As the decoder does: a dictionary offset of 0 (some writers' "none") means the chunk starts at its first data page.
      const start = Number(meta!.dictionary_page_offset || meta!.data_page_offset), size = Number(meta!.total_compressed_size);
      const total = Number(meta!.num_values);
      need(isCount(start) && isCount(size) && start + size <= file.byteLength, "a column chunk outside the file");
      need(isCount(total) && total <= VALUES_PER_BYTE * (size + 1), `a column chunk declaring ${total} values in ${size} bytes`);
      const path = getSchemaPath(metadata.schema, meta!.path_in_schema);
      const repWidth = bitWidth(getMaxRepetitionLevel(path)), defWidth = bitWidth(getMaxDefinitionLevel(path));
      const bytes = new Uint8Array(file, start, size);
      const reader = { view: new DataView(file, start, size), offset: 0 };
      let values = 0;
      while (reader.offset < size && values < total) {
        const h = parquetHeader(reader);
        const cps = h.compressed_page_size, ups = h.uncompressed_page_size;
        need(isCount(cps) && isCount(ups) && reader.offset + cps <= size, "a page header's sizes do not fit its column chunk");
        need(meta!.codec === "UNCOMPRESSED" ? ups <= cps : ups <= 64 * cps + (1 << 20) || meta!.codec !== "SNAPPY", "an uncompressed size out of proportion");
        const page = bytes.subarray(reader.offset, reader.offset + cps);
        reader.offset += cps;
        if (h.type === "DICTIONARY_PAGE") {
          need(isCount(h.dictionary_page_header?.num_values) && h.dictionary_page_header!.num_values <= ups, "a dictionary page without a sane value count");
        } else if (h.type === "DATA_PAGE") {
          const n = h.data_page_header?.num_values;
          need(isCount(n) && n <= total - values, "a data page without a sane value count");
          const data = decompressPage(page, ups, meta!.codec, compressors as never);
          let at = 0;
          for (const [width, what] of [[repWidth, "repetition levels"], [defWidth, "definition levels"]] as const) {
            if (width === 0) continue;
            need(at + 4 <= data.length, `${what} without a length`);
            const len = data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24);
            checkRuns(data, at + 4, len, width, n!, what);
            at += 4 + len;
          }
          if (/DICTIONARY/.test(h.data_page_header!.encoding) && at < data.length) checkRuns(data, at + 1, data.length - at - 1, data[at], n!, "dictionary indices");
          values += n!;
        } else if (h.type === "DATA_PAGE_V2") {
          const v2 = h.data_page_header_v2;
          const n = v2?.num_values, rl = v2?.repetition_levels_byte_length, dl = v2?.definition_levels_byte_length;
          need(isCount(n) && isCount(v2?.num_nulls) && v2!.num_nulls <= n && isCount(v2?.num_rows) && n <= total - values, "a data page (v2) without sane counts");
          need(isCount(rl) && isCount(dl) && rl + dl <= cps && rl + dl <= ups, "a data page (v2) without sane level lengths");
          if (repWidth > 0) checkRuns(page, 0, rl!, repWidth, n!, "repetition levels");
          if (defWidth > 0) checkRuns(page, rl!, dl!, defWidth, n!, "definition levels");
          if (/DICTIONARY/.test(v2!.encoding)) {
            const rest = page.subarray(rl! + dl!);
            const data = v2!.is_compressed === false ? rest : decompressPage(rest, ups - rl! - dl!, meta!.codec, compressors as never);
            if (data.length > 0) checkRuns(data, 1, data.length - 1, data[0], n!, "dictionary indices");
          }
          values += n!;
        } else {
          need(h.type === "INDEX_PAGE", `an unknown page type ${String(h.type)}`);
        }
      }
      need(values === total, `pages holding ${values} values where the column chunk declares ${total}`);
    }
  }
}
