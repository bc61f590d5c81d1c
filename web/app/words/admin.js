// The words of the administration screens: cities, criteria, staff, integrator clients,
// webhooks and SLA.
export default {
  "zh-CN": {
    nav_admin: "系统管理",
  },
  en: {
    nav_admin: "Administration",
  },
};
