// Vehicle import files: CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF, an optional UTF-8 BOM) turned into
// the JSON array that POST /admin/offices/{code}/vehicles takes. The header names the columns, in English as the API
// does or in Chinese.

/** Parses CSV text into rows of fields. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let fieldText = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { fieldText += '"'; i++; }
      else if (c === '"') quoted = false;
      else fieldText += c;
    } else if (c === '"' && fieldText === '') quoted = true;
    else if (c === ',') { row.push(fieldText); fieldText = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(fieldText); fieldText = '';
      rows.push(row); row = [];
    } else fieldText += c;
  }
  if (fieldText !== '' || row.length > 0) { row.push(fieldText); rows.push(row); }
  return rows.filter((r) => !(r.length === 1 && r[0].trim() === ''));
}

const columns = {
  vin: 'vin', 车辆识别代号: 'vin',
  currentplate: 'currentPlate', 号牌号码: 'currentPlate', 现号牌: 'currentPlate',
  platekind: 'plateKind', 号牌种类: 'plateKind',
  energy: 'energy', 能源种类: 'energy',
  owneridnumber: 'ownerIdNumber', 所有人证件号码: 'ownerIdNumber', 身份证号码: 'ownerIdNumber',
  ownerphone: 'ownerPhone', 所有人手机号码: 'ownerPhone', 预留手机号: 'ownerPhone',
};

const values = {
  plateKind: { 小型汽车: 'small', 大型汽车: 'large', 摩托车: 'motorcycle', 挂车: 'trailer' },
  energy: { 纯电动: 'pure', 非纯电动: 'nonPure', 燃油: 'fuel' },
};

/**
 * The import items of a CSV file, with the file's line of each (for the rejections the API answers by index), and
 * the problems found before sending (an unknown or missing column, a row of the wrong length).
 */
export function vehiclesFromCsv(text) {
  const rows = parseCsv(text);
  if (rows.length === 0) return { items: [], lines: [], problems: ['文件是空的。'] };
  const header = rows[0].map((name) => columns[name.trim().toLowerCase()] ?? columns[name.trim()] ?? null);
  const problems = [];
  rows[0].forEach((name, i) => { if (!header[i]) problems.push(`第 1 行：不认识的列“${name}”。`); });
  for (const required of ['vin', 'currentPlate', 'plateKind', 'energy', 'ownerIdNumber']) {
    if (!header.includes(required)) problems.push(`缺少列 ${required}。`);
  }
  const items = [];
  const lines = [];
  rows.slice(1).forEach((row, i) => {
    if (row.length !== rows[0].length) {
      problems.push(`第 ${i + 2} 行：有 ${row.length} 列，标题行有 ${rows[0].length} 列，已跳过。`);
      return;
    }
    const item = {};
    header.forEach((key, j) => {
      if (!key) return;
      const value = row[j].trim();
      if (key === 'ownerPhone' && value === '') return;
      item[key] = values[key]?.[value] ?? value;
    });
    items.push(item);
    lines.push(i + 2);
  });
  return { items, lines, problems };
}
