/** Names and merchants for generated histories; GB for OBIE banks, DE for Berlin Group banks. */
export type Region = 'GB' | 'DE';

export interface MerchantProfile {
  name: string;
  categoryCode: string;
  /** Typical spend in major units; amounts are drawn between these. */
  min: number;
  max: number;
  weight: number;
  online?: boolean;
}

const gbMerchants: readonly MerchantProfile[] = [
  { name: 'Tesco Stores', categoryCode: '5411', min: 4, max: 95, weight: 14 },
  { name: "Sainsbury's", categoryCode: '5411', min: 5, max: 110, weight: 10 },
  { name: 'Pret A Manger', categoryCode: '5814', min: 3, max: 12, weight: 10 },
  { name: 'Costa Coffee', categoryCode: '5814', min: 2.5, max: 8, weight: 8 },
  { name: 'Transport for London', categoryCode: '4111', min: 1.75, max: 8.5, weight: 12 },
  { name: 'Wagamama', categoryCode: '5812', min: 14, max: 55, weight: 4 },
  { name: 'Boots', categoryCode: '5912', min: 3, max: 40, weight: 5 },
  { name: 'Shell', categoryCode: '5541', min: 30, max: 85, weight: 4 },
  { name: 'Amazon UK', categoryCode: '5942', min: 6, max: 140, weight: 8, online: true },
  { name: 'Uber', categoryCode: '4121', min: 7, max: 35, weight: 4, online: true },
  { name: 'Deliveroo', categoryCode: '5812', min: 12, max: 40, weight: 5, online: true },
  { name: 'John Lewis', categoryCode: '5311', min: 15, max: 220, weight: 2 },
  { name: 'Odeon Cinemas', categoryCode: '7832', min: 9, max: 30, weight: 2 },
  { name: 'Currys', categoryCode: '5732', min: 20, max: 400, weight: 1 },
];

const deMerchants: readonly MerchantProfile[] = [
  { name: 'REWE Markt', categoryCode: '5411', min: 4, max: 90, weight: 14 },
  { name: 'EDEKA', categoryCode: '5411', min: 5, max: 100, weight: 10 },
  { name: 'dm-drogerie markt', categoryCode: '5912', min: 3, max: 45, weight: 6 },
  { name: 'Backwerk', categoryCode: '5814', min: 2, max: 9, weight: 9 },
  { name: 'BVG Berlin', categoryCode: '4111', min: 2.2, max: 9.4, weight: 10 },
  { name: 'Deutsche Bahn', categoryCode: '4112', min: 9, max: 140, weight: 4, online: true },
  { name: 'Aral Tankstelle', categoryCode: '5541', min: 30, max: 90, weight: 4 },
  { name: 'Vapiano', categoryCode: '5812', min: 12, max: 48, weight: 4 },
  { name: 'Amazon EU', categoryCode: '5942', min: 6, max: 150, weight: 8, online: true },
  { name: 'Lieferando', categoryCode: '5812', min: 12, max: 42, weight: 5, online: true },
  { name: 'MediaMarkt', categoryCode: '5732', min: 20, max: 450, weight: 1 },
  { name: 'Zalando', categoryCode: '5651', min: 20, max: 180, weight: 3, online: true },
];

export function merchants(region: Region): readonly MerchantProfile[] {
  return region === 'GB' ? gbMerchants : deMerchants;
}

export interface Biller {
  name: string;
  min: number;
  max: number;
  dayOfMonth: number;
}

export function billers(region: Region): readonly Biller[] {
  return region === 'GB'
    ? [
        { name: 'British Gas', min: 45, max: 160, dayOfMonth: 5 },
        { name: 'Thames Water', min: 28, max: 42, dayOfMonth: 12 },
        { name: 'Vodafone UK', min: 18, max: 35, dayOfMonth: 18 },
      ]
    : [
        { name: 'Vattenfall Europe', min: 50, max: 150, dayOfMonth: 5 },
        { name: 'Telekom Deutschland', min: 25, max: 45, dayOfMonth: 12 },
        { name: 'Techniker Krankenkasse', min: 15, max: 25, dayOfMonth: 18 },
      ];
}

export const subscription: Readonly<Record<Region, MerchantProfile>> = {
  GB: { name: 'Netflix', categoryCode: '4899', min: 10.99, max: 10.99, weight: 0, online: true },
  DE: { name: 'Spotify', categoryCode: '4899', min: 10.99, max: 10.99, weight: 0, online: true },
};

export const employers: Readonly<Record<Region, readonly string[]>> = {
  GB: ['Acme Widgets Ltd', 'Northwind Traders plc', 'Globex UK Ltd', 'Initech Services Ltd'],
  DE: ['Musterfirma GmbH', 'Nordwind Handel AG', 'Globex Deutschland GmbH', 'Initech Berlin GmbH'],
};

export const landlords: Readonly<Record<Region, readonly string[]>> = {
  GB: ['Foxtons Lettings', 'Greenway Properties', 'M Patel Lettings'],
  DE: ['Hausverwaltung Schmidt', 'Wohnbau Berlin GmbH', 'Immobilien Weber'],
};

export const surnames: Readonly<Record<Region, readonly string[]>> = {
  GB: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Evans', 'Thomas'],
  DE: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker'],
};

export const friends: Readonly<Record<Region, readonly string[]>> = {
  GB: ['Oliver Hughes', 'Amelia Clarke', 'Harry Walker', 'Isla Wright', 'Jack Robinson'],
  DE: ['Lukas Hoffmann', 'Mia Schulz', 'Leon Koch', 'Emma Richter', 'Paul Klein'],
};
