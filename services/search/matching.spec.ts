import { localMoment } from "../../platform/time";
import { departmentsNamed } from "./departments";
import { addressTokens, choseongOf, compact, fromQwerty, isChoseongQuery } from "./korean";
import type { SearchDoc } from "./matching";
import { Tier, isOpen, keysOf, matchTier, openAt, planQuery } from "./matching";

const doc = (name: string, over: Partial<SearchDoc> = {}): SearchDoc => ({
  id: 1,
  name,
  address: "서울특별시 강남구 테헤란로 12",
  district: "강남구",
  departments: ["소아청소년과"],
  lat: 37.5,
  lng: 127.03,
  timeZone: "Asia/Seoul",
  openingHours: [{ weekday: 1, start: "09:00", end: "18:00" }],
  holidays: [],
  closesOnPublicHolidays: true,
  ...over,
});

const tierOf = (name: string, q: string, over: Partial<SearchDoc> = {}) => {
  const d = doc(name, over);
  const plan = planQuery(q);
  return plan && matchTier(keysOf(d), d.departments, plan);
};

describe("Korean text", () => {
  test("compacts names and reads their 초성", () => {
    expect(compact(" 한빛 24시\u0000 어린이병원 ")).toBe("한빛24시어린이병원");
    expect(choseongOf("한빛24시 어린이병원")).toBe("ㅎㅂㅅㅇㄹㅇㅂㅇ");
    expect(isChoseongQuery("ㅎㅂ")).toBe(true);
    expect(isChoseongQuery("한ㅂ")).toBe(false);
  });

  test("turns Latin typed on the Korean layout back into Hangul", () => {
    expect(fromQwerty("gksqlc")).toBe("한빛");
    expect(fromQwerty("한빛")).toBeNull();
    expect(fromQwerty("rkdskarn")).toBe("강남구");
    expect(fromQwerty("24")).toBeNull();
  });

  test("takes the district and roads from an address", () => {
    expect(addressTokens("서울특별시 강남구 테헤란로 12", "강남구")).toEqual(["강남구", "테헤란로"]);
    expect(addressTokens("서울 마포구 양화로7길 3", "마포구")).toEqual(["마포구", "양화로7길"]);
  });

  test("knows departments by their everyday and old names", () => {
    expect(departmentsNamed("소아과")).toEqual(["소아청소년과"]);
    expect(departmentsNamed("이비과")).toEqual(["이비인후과"]);
    expect(departmentsNamed("여성의학과")).toEqual(["산부인과"]);
    expect(departmentsNamed("산부인과")).toEqual(["산부인과"]);
    expect(departmentsNamed("없는과")).toEqual([]);
  });
});

describe("matchTier", () => {
  test("ranks exact > prefix > infix > 초성 > related", () => {
    expect(tierOf("한빛", "한빛")).toBe(Tier.EXACT);
    expect(tierOf("한빛어린이병원", "한빛")).toBe(Tier.PREFIX);
    expect(tierOf("서울한빛병원", "한빛")).toBe(Tier.INFIX);
    expect(tierOf("한국빛병원", "ㅎㄱㅂ")).toBe(Tier.CHOSEONG);
    expect(tierOf("튼튼의원", "소아과")).toBe(Tier.RELATED);
  });

  test("matches any infix, spaces ignored", () => {
    expect(tierOf("한빛24시어린이병원", "어린이 병원")).toBe(Tier.INFIX);
    expect(tierOf("한빛24시어린이병원", "24시")).toBe(Tier.INFIX);
    expect(tierOf("한빛24시어린이병원", "ㅇㄹㅇㅂㅇ")).toBe(Tier.CHOSEONG);
    expect(tierOf("한빛24시어린이병원", "빛어른")).toBeNull();
  });

  test("reads Latin typed on the Korean layout", () => {
    expect(tierOf("한빛어린이병원", "gksqlc")).toBe(Tier.PREFIX);
  });

  test("matches district and road, and every word must match something", () => {
    expect(tierOf("튼튼의원", "강남")).toBe(Tier.RELATED);
    expect(tierOf("튼튼의원", "테헤란로")).toBe(Tier.RELATED);
    expect(tierOf("튼튼의원", "강남구 소아과")).toBe(Tier.RELATED);
    expect(tierOf("튼튼의원", "마포구 소아과")).toBeNull();
    expect(tierOf("튼튼의원", "내과")).toBeNull();
  });

  test("wildcards, quotes and control characters are literal text", () => {
    expect(tierOf("튼튼의원", "%")).toBeNull();
    expect(tierOf("튼튼의원", "*")).toBeNull();
    expect(tierOf("튼튼의원", '"튼튼"')).toBeNull();
    expect(tierOf("100%병원", "100%")).toBe(Tier.PREFIX);
    expect(planQuery(" \u0000 ")).toBeNull();
  });
});

describe("isOpen", () => {
  const monday10 = { date: "2026-11-23", minutes: 600 };
  test("follows opening hours and closed days", () => {
    expect(isOpen(doc("a"), monday10, new Set())).toBe(true);
    expect(isOpen(doc("a"), { ...monday10, minutes: 18 * 60 }, new Set())).toBe(false);
    expect(isOpen(doc("a", { holidays: ["2026-11-23"] }), monday10, new Set())).toBe(false);
  });

  test("public holidays close only hospitals that close on them", () => {
    const holidays = new Set(["2026-11-23"]);
    expect(isOpen(doc("a"), monday10, holidays)).toBe(false);
    expect(isOpen(doc("a", { closesOnPublicHolidays: false }), monday10, holidays)).toBe(true);
  });

  test("openAt gives isOpen's answers, shared hours or not", () => {
    const hours = [{ weekday: 1 as const, start: "09:00", end: "18:00" }];
    const docs = [
      doc("a", { openingHours: hours }),
      doc("b", { openingHours: hours, holidays: ["2026-11-23"] }),
      doc("c", { openingHours: hours, timeZone: "America/New_York" }),
      doc("d", { openingHours: [], closesOnPublicHolidays: false }),
    ];
    for (const instant of ["2026-11-23T01:00:00Z", "2026-11-23T15:00:00Z", "2026-11-23T20:00:00Z"]) {
      const now = new Date(instant);
      const open = openAt(now, ["2026-11-24"]);
      for (const d of docs) {
        const local = localMoment(now, d.timeZone);
        expect([instant, d.name, open(d)]).toEqual([
          instant,
          d.name,
          isOpen(d, local, new Set(["2026-11-24"])),
        ]);
      }
    }
  });
});
