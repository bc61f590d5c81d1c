// The words of the group's profile, the application form and its preview, documents and messages.
export default {
  "zh-CN": {
    nav_group: "集团资料",
  },
  en: {
    nav_group: "Group profile",
  },
};
