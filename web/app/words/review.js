// The words of reviewing: the eligibility report, scorecards, moves, the letter of intent and onboarding.
export default {
  "zh-CN": {
    review_title: "审核",
  },
  en: {
    review_title: "Review",
  },
};
