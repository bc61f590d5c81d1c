// The words of the reports, the group's members and one's own account.
export default {
  "zh-CN": {
    nav_reports: "统计报表",
    nav_members: "成员管理",
  },
  en: {
    nav_reports: "Reports",
    nav_members: "Members",
  },
};
