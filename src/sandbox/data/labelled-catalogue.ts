import type { Region } from './catalogue.js';
import { digits, pick, type Random } from './prng.js';

/**
 * Merchants and payees for labelled statements, as real statement lines spell them: card
 * networks' and payment facilitators' prefixes (CRV*, SQ *, SUMUP *, IZ *), store numbers,
 * towns, order references. Each carries its ground truth — the merchant a person would name
 * and the category (our taxonomy's detailed code) a person would file it under — which is
 * never sent over the wire. Several are deliberately not household names.
 */
export interface LabelledMerchant {
  merchant: string;
  category: string;
  /** ISO 18245; OBIE sends it in MerchantDetails, Berlin Group has no field for it. */
  mcc: string;
  line: (r: Random) => string;
  min: number;
  max: number;
  weight: number;
}

const store = (r: Random) => digits(r, 4);
const gbTown = (r: Random) => pick(r, ['LONDON', 'LEEDS', 'MANCHESTER', 'BRISTOL', 'OXFORD']);
const deTown = (r: Random) => pick(r, ['BERLIN', 'HAMBURG', 'KOELN', 'LEIPZIG', 'MUENCHEN']);
const ref = (r: Random) =>
  Array.from({ length: 9 }, () => '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'[Math.floor(r() * 34)]).join(
    '',
  );

const lm = (
  merchant: string,
  category: string,
  mcc: string,
  line: (r: Random) => string,
  min: number,
  max: number,
  weight: number,
): LabelledMerchant => ({ merchant, category, mcc, line, min, max, weight });

export const irregularMerchants: Readonly<Record<Region, readonly LabelledMerchant[]>> = {
  GB: [
    lm(
      'Tesco',
      'FOOD_AND_DRINK_GROCERIES',
      '5411',
      (r) => `TESCO EXPRESS ${store(r)} ${gbTown(r)} GB`,
      3,
      40,
      12,
    ),
    lm(
      "Sainsbury's",
      'FOOD_AND_DRINK_GROCERIES',
      '5411',
      (r) => `SAINSBURYS S/MKTS ${store(r)} ${gbTown(r)}`,
      4,
      60,
      8,
    ),
    lm(
      'Co-op',
      'FOOD_AND_DRINK_GROCERIES',
      '5411',
      (r) => `CO-OP GROUP ${digits(r, 6)} ${gbTown(r)}`,
      2,
      25,
      5,
    ),
    lm(
      'Pret A Manger',
      'FOOD_AND_DRINK_FAST_FOOD',
      '5814',
      (r) => `PRET A MANGER ${store(r)} ${gbTown(r)} GB`,
      3,
      12,
      9,
    ),
    lm(
      'Bean There Coffee',
      'FOOD_AND_DRINK_COFFEE',
      '5814',
      () => 'SQ *BEAN THERE COFFEE',
      2.5,
      7,
      6,
    ),
    lm(
      'Costa Coffee',
      'FOOD_AND_DRINK_COFFEE',
      '5814',
      (r) => `COSTA COFFEE ${digits(r, 5)} ${gbTown(r)}`,
      2.5,
      8,
      6,
    ),
    lm(
      'The Crown Inn',
      'FOOD_AND_DRINK_BAR',
      '5813',
      (r) => `CRV*THE CROWN INN ${gbTown(r)}`,
      5,
      45,
      4,
    ),
    lm(
      "Rossi's Trattoria",
      'FOOD_AND_DRINK_RESTAURANT',
      '5812',
      () => 'IZ *ROSSIS TRATTORIA',
      18,
      70,
      2,
    ),
    lm('Deliveroo', 'FOOD_AND_DRINK_FOOD_DELIVERY', '5812', () => 'DELIVEROO LONDON', 12, 40, 4),
    lm(
      'Uber',
      'TRANSPORTATION_TAXI_AND_RIDE_SHARE',
      '4121',
      () => 'UBER *TRIP HELP.UBER.COM',
      7,
      35,
      4,
    ),
    lm(
      'Transport for London',
      'TRANSPORTATION_PUBLIC_TRANSIT',
      '4111',
      () => 'TFL TRAVEL CH',
      1.75,
      8.5,
      10,
    ),
    lm('Trainline', 'TRANSPORTATION_RAIL', '4112', () => 'TRAINLINE.COM', 12, 140, 2),
    lm('Shell', 'TRANSPORTATION_FUEL', '5541', (r) => `SHELL ${store(r)} ${gbTown(r)}`, 30, 85, 3),
    lm(
      'NCP',
      'TRANSPORTATION_PARKING',
      '7523',
      (r) => `NCP CAR PARK ${store(r)} ${gbTown(r)}`,
      4,
      25,
      1,
    ),
    lm(
      'Amazon',
      'GENERAL_MERCHANDISE_ONLINE_MARKETPLACE',
      '5942',
      (r) => `AMZN MKTP UK*${ref(r)} AMAZON.CO.UK`,
      6,
      140,
      7,
    ),
    lm(
      'Boots',
      'GENERAL_MERCHANDISE_PHARMACY',
      '5912',
      (r) => `BOOTS ${store(r)} ${gbTown(r)}`,
      3,
      40,
      4,
    ),
    lm(
      'Waterstones',
      'GENERAL_MERCHANDISE_BOOKS_AND_MEDIA',
      '5942',
      (r) => `WATERSTONES ${store(r)} ${gbTown(r)}`,
      8,
      40,
      1,
    ),
    lm(
      'Primark',
      'GENERAL_MERCHANDISE_CLOTHING',
      '5651',
      (r) => `PRIMARK ${store(r)} ${gbTown(r)}`,
      6,
      60,
      2,
    ),
    lm(
      'B&Q',
      'HOME_IMPROVEMENT_HARDWARE',
      '5200',
      (r) => `B&Q ${store(r)} ${gbTown(r)}`,
      5,
      120,
      1,
    ),
    lm(
      'City Cuts',
      'PERSONAL_CARE_HAIR_AND_BEAUTY',
      '7230',
      () => 'SUMUP *CITY CUTS BARBERS',
      15,
      30,
      1,
    ),
    lm(
      'Everyman Cinema',
      'ENTERTAINMENT_CINEMA_AND_EVENTS',
      '7832',
      (r) => `EVERYMAN CINEMA ${gbTown(r)}`,
      10,
      35,
      1,
    ),
    lm(
      'Premier Inn',
      'TRAVEL_LODGING',
      '7011',
      (r) => `PREMIER INN ${digits(r, 5)} ${gbTown(r)}`,
      60,
      160,
      0.5,
    ),
  ],
  DE: [
    lm(
      'REWE',
      'FOOD_AND_DRINK_GROCERIES',
      '5411',
      (r) => `REWE SAGT DANKE. ${digits(r, 8)}`,
      3,
      60,
      12,
    ),
    lm(
      'EDEKA',
      'FOOD_AND_DRINK_GROCERIES',
      '5411',
      (r) => `EDEKA CENTER ${store(r)} ${deTown(r)}`,
      4,
      70,
      7,
    ),
    lm(
      'Backwerk',
      'FOOD_AND_DRINK_FAST_FOOD',
      '5814',
      (r) => `BACKWERK ${digits(r, 3)} ${deTown(r)}`,
      2,
      9,
      8,
    ),
    lm(
      'Burger King',
      'FOOD_AND_DRINK_FAST_FOOD',
      '5814',
      (r) => `BURGER KING ${store(r)} ${deTown(r)}`,
      6,
      16,
      3,
    ),
    lm(
      'Vapiano',
      'FOOD_AND_DRINK_RESTAURANT',
      '5812',
      (r) => `VAPIANO ${deTown(r)} ${store(r)}`,
      12,
      48,
      3,
    ),
    lm('Lieferando', 'FOOD_AND_DRINK_FOOD_DELIVERY', '5812', () => 'LIEFERANDO.DE', 12, 42, 4),
    lm('BVG', 'TRANSPORTATION_PUBLIC_TRANSIT', '4111', () => 'BVG BERLIN TICKET', 2.2, 9.4, 9),
    lm(
      'Deutsche Bahn',
      'TRANSPORTATION_RAIL',
      '4112',
      (r) => `DB VERTRIEB GMBH ${ref(r)}`,
      9,
      140,
      3,
    ),
    lm(
      'Aral',
      'TRANSPORTATION_FUEL',
      '5541',
      (r) => `ARAL STATION ${store(r)} ${deTown(r)}`,
      30,
      90,
      3,
    ),
    lm(
      'dm-drogerie markt',
      'GENERAL_MERCHANDISE_PHARMACY',
      '5912',
      (r) => `DM FIL.${store(r)} H:${digits(r, 5)}`,
      3,
      45,
      5,
    ),
    lm(
      'Amazon',
      'GENERAL_MERCHANDISE_ONLINE_MARKETPLACE',
      '5942',
      (r) => `AMAZON EU S.A R.L. ${ref(r)}`,
      6,
      150,
      7,
    ),
    lm('Zalando', 'GENERAL_MERCHANDISE_CLOTHING', '5651', () => 'ZALANDO SE BERLIN', 20, 180, 2),
    lm(
      'IKEA',
      'HOME_IMPROVEMENT_FURNITURE',
      '5712',
      (r) => `IKEA DEUTSCHLAND ${store(r)}`,
      10,
      250,
      1,
    ),
    lm(
      'Rossmann',
      'GENERAL_MERCHANDISE_PHARMACY',
      '5912',
      (r) => `ROSSMANN ${store(r)} ${deTown(r)}`,
      3,
      30,
      2,
    ),
    lm(
      'CinemaxX',
      'ENTERTAINMENT_CINEMA_AND_EVENTS',
      '7832',
      (r) => `CINEMAXX ${deTown(r)}`,
      9,
      30,
      1,
    ),
  ],
};

/** A payee paid on a schedule: bills, subscriptions, insurance. */
export interface ScheduledPayee {
  merchant: string;
  category: string;
  line: string;
  /** 'card' payments carry an MCC; 'direct-debit' ones a creditor. */
  rail: 'card' | 'direct-debit';
  mcc?: string;
  /** Fixed price (a subscription) or a range (a bill). */
  min: number;
  max: number;
}

const sp = (
  merchant: string,
  category: string,
  line: string,
  rail: 'card' | 'direct-debit',
  min: number,
  max = min,
  mcc?: string,
): ScheduledPayee => ({ merchant, category, line, rail, min, max, ...(mcc ? { mcc } : {}) });

export const monthlyPayees: Readonly<Record<Region, readonly ScheduledPayee[]>> = {
  GB: [
    sp(
      'British Gas',
      'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY',
      'BRITISH GAS',
      'direct-debit',
      45,
      160,
    ),
    sp('Thames Water', 'RENT_AND_UTILITIES_WATER', 'THAMES WATER', 'direct-debit', 28, 42),
    sp('EE', 'RENT_AND_UTILITIES_TELECOMS', 'EE LIMITED', 'direct-debit', 22, 22),
    sp(
      'Leeds City Council',
      'GOVERNMENT_AND_NON_PROFIT_TAX',
      'LEEDS CITY COUNCIL CTAX',
      'direct-debit',
      142,
      142,
    ),
    sp('Netflix', 'ENTERTAINMENT_STREAMING', 'NETFLIX.COM LOS GATOS', 'card', 10.99, 10.99, '4899'),
    sp(
      'Spotify',
      'ENTERTAINMENT_STREAMING',
      'SPOTIFY P2B7C4D9E1 STOCKHOLM',
      'card',
      11.99,
      11.99,
      '4899',
    ),
    sp('Disney+', 'ENTERTAINMENT_STREAMING', 'DISNEY PLUS LONDON', 'card', 7.99, 7.99, '4899'),
    sp('PureGym', 'PERSONAL_CARE_GYM_AND_FITNESS', 'PUREGYM LTD', 'card', 24.99, 24.99, '7997'),
  ],
  DE: [
    sp(
      'Vattenfall',
      'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY',
      'VATTENFALL EUROPE SALES ABSCHLAG',
      'direct-debit',
      78,
      78,
    ),
    sp(
      'Telekom',
      'RENT_AND_UTILITIES_TELECOMS',
      'TELEKOM DEUTSCHLAND GMBH',
      'direct-debit',
      25,
      45,
    ),
    sp(
      'Techniker Krankenkasse',
      'MEDICAL_HEALTH_INSURANCE',
      'TECHNIKER KRANKENKASSE BEITRAG',
      'direct-debit',
      19,
      19,
    ),
    sp('Spotify', 'ENTERTAINMENT_STREAMING', 'SPOTIFY AB STOCKHOLM', 'card', 10.99, 10.99, '4899'),
    sp(
      'Netflix',
      'ENTERTAINMENT_STREAMING',
      'NETFLIX INTERNATIONAL B.V.',
      'card',
      13.99,
      13.99,
      '4899',
    ),
    sp(
      'McFIT',
      'PERSONAL_CARE_GYM_AND_FITNESS',
      'MCFIT GMBH MITGLIEDSBEITRAG',
      'direct-debit',
      24.9,
      24.9,
    ),
  ],
};

export const yearlyPayees: Readonly<Record<Region, readonly ScheduledPayee[]>> = {
  GB: [
    sp('Aviva', 'GENERAL_SERVICES_INSURANCE', 'AVIVA INSURANCE LTD', 'direct-debit', 240, 290),
    sp('Admiral', 'GENERAL_SERVICES_INSURANCE', 'ADMIRAL INSURANCE', 'direct-debit', 480, 540),
  ],
  DE: [
    sp(
      'HUK-Coburg',
      'GENERAL_SERVICES_INSURANCE',
      'HUK-COBURG VERSICHERUNG KFZ',
      'direct-debit',
      390,
      430,
    ),
    sp('ADAC', 'GENERAL_SERVICES_INSURANCE', 'ADAC E.V. MITGLIEDSBEITRAG', 'direct-debit', 94, 94),
  ],
};

/** The weekly big shop, at a supermarket not used for top-up shopping. */
export const weeklyShop: Readonly<Record<Region, LabelledMerchant>> = {
  GB: lm(
    'Aldi',
    'FOOD_AND_DRINK_GROCERIES',
    '5411',
    (r) => `ALDI STORES ${store(r)} ${gbTown(r)}`,
    45,
    95,
    0,
  ),
  DE: lm(
    'Lidl',
    'FOOD_AND_DRINK_GROCERIES',
    '5411',
    (r) => `LIDL DIENSTL ${store(r)} ${deTown(r)}`,
    40,
    90,
    0,
  ),
};
