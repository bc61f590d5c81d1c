// The words of the group's profile, the application form and its preview, documents and messages.
export default {
  "zh-CN": {
  },
  en: {
  },
};
