// The plan's cities by code (`GET /api/v1/cities`, public), and a city's name in the reader's
// language: every list of applications names its cities.
import { currentLanguage } from "./i18n.js";
import { useApi } from "./ui.js";

export function useCities() {
  const cities = useApi("cities");
  const byCode = {};
  (cities.data || []).forEach((city) => {
    byCode[city.code] = city;
  });
  return byCode;
}

export function cityName(cities, code) {
  const city = cities[code];
  if (!city) return code;
  return currentLanguage() === "en" ? city.name_en : city.name_zh;
}
