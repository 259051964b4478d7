import data from './banks.json' with { type: 'json' };

/** A bank of the built-in list, with the card number prefixes (BINs) it issues. */
export interface BankEntry {
  account_bank: string;
  bank_code: string;
  bank_id: number;
  bank_name: string;
  card_prefixes: string[];
  need_branch: boolean;
}

export interface CityEntry {
  city_code: number;
  city_name: string;
  bank_address_code: string;
  districts: string[];
}

export interface ProvinceEntry {
  province_code: number;
  province_name: string;
  cities: CityEntry[];
}

export const BANKS: readonly BankEntry[] = (data as { banks: BankEntry[] }).banks;
export const PROVINCES: readonly ProvinceEntry[] = (data as { provinces: ProvinceEntry[] }).provinces;
const CITIES: readonly CityEntry[] = PROVINCES.flatMap((province) => province.cities);

/** The wire form of a bank in getbanklist and getbankbynum. */
export function bankView(bank: BankEntry) {
  return {
    account_bank: bank.account_bank,
    bank_code: bank.bank_code,
    bank_id: String(bank.bank_id),
    bank_name: bank.bank_name,
    bank_type: 1,
    need_branch: bank.need_branch,
  };
}

export function findBank(key: string): BankEntry | undefined {
  return BANKS.find((bank) => bank.account_bank === key || bank.bank_code === key || String(bank.bank_id) === key || bank.bank_name === key);
}

export function findCity(cityCode: number): CityEntry | undefined {
  return CITIES.find((city) => city.city_code === cityCode);
}

export function cityByAddressCode(code: string): CityEntry | undefined {
  return CITIES.find((city) => city.bank_address_code === code);
}

/** The bank that issues a card number, by its longest matching prefix. */
export function bankOfCard(number: string): BankEntry | undefined {
  let best: { bank: BankEntry; length: number } | undefined;
  for (const bank of BANKS) {
    for (const prefix of bank.card_prefixes) {
      if (number.startsWith(prefix) && (!best || prefix.length > best.length)) best = { bank, length: prefix.length };
    }
  }
  return best?.bank;
}

/**
 * Branches of a bank in a city: one per district. Ids follow the shape of the 12-digit bank
 * clearing numbers: bank code, the first four digits of the area code, a zero and a sequence.
 */
export function branchesOf(bank: BankEntry, city: CityEntry): { branch_id: number; branch_name: string }[] {
  const cityName = city.city_name.replace(/市$/, '');
  return city.districts.map((district, index) => ({
    branch_id: Number(`${bank.bank_code}${city.bank_address_code.slice(0, 4)}0${String(index + 1).padStart(4, '0')}`),
    branch_name: `${bank.bank_name}${cityName}${district}支行`,
  }));
}

export function findBranch(branchId: string): { bank: BankEntry; city: CityEntry; name: string } | undefined {
  for (const city of CITIES) {
    for (const bank of BANKS) {
      const branch = branchesOf(bank, city).find((item) => String(item.branch_id) === branchId);
      if (branch) return { bank, city, name: branch.branch_name };
    }
  }
  return undefined;
}
