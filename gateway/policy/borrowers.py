"""Who may borrow an entrepreneurship guarantee loan (创业担保贷款, 86号-16).

Codes are stable API values. The rule sets (``rules/*.yaml``) refer to these codes, so a
rule set can narrow or widen the eligible groups without a code change.
"""

from __future__ import annotations

from enum import StrEnum


class LoanType(StrEnum):
    INDIVIDUAL = "individual"  # 个人创业担保贷款
    PARTNERSHIP = "partnership"  # 合伙创业 (individual borrowers starting up together)
    ENTERPRISE = "enterprise"  # 小微企业创业担保贷款


class BorrowerGroup(StrEnum):
    """The 10 groups eligible for an individual loan (个人创业担保贷款对象范围, 86号-16)."""

    REGISTERED_UNEMPLOYED = "registered_unemployed"
    EMPLOYMENT_DIFFICULTY = "employment_difficulty"
    VETERAN = "veteran"
    RELEASED_PRISONER = "released_prisoner"
    COLLEGE_GRADUATE = "college_graduate"
    CAPACITY_REDUCTION_WORKER = "capacity_reduction_worker"
    RETURNING_MIGRANT_WORKER = "returning_migrant_worker"
    ONLINE_MERCHANT = "online_merchant"
    REGISTERED_POOR_HOUSEHOLD = "registered_poor_household"
    RURAL_SELF_EMPLOYED = "rural_self_employed"


BORROWER_GROUP_NAMES_ZH: dict[BorrowerGroup, str] = {
    BorrowerGroup.REGISTERED_UNEMPLOYED: "城镇登记失业人员",
    BorrowerGroup.EMPLOYMENT_DIFFICULTY: "就业困难人员（含残疾人）",
    BorrowerGroup.VETERAN: "复员转业退役人员",
    BorrowerGroup.RELEASED_PRISONER: "刑满释放人员",
    BorrowerGroup.COLLEGE_GRADUATE: "高校毕业生（含大学生村官和留学回国学生）",
    BorrowerGroup.CAPACITY_REDUCTION_WORKER: "化解过剩产能企业职工和失业人员",
    BorrowerGroup.RETURNING_MIGRANT_WORKER: "返乡创业农牧民工",
    BorrowerGroup.ONLINE_MERCHANT: "网络商户",
    BorrowerGroup.REGISTERED_POOR_HOUSEHOLD: "建档立卡贫困人口",
    BorrowerGroup.RURAL_SELF_EMPLOYED: "农村自主创业农牧民工",
}


class ExemptionGround(StrEnum):
    """Grounds for waiving the counter-guarantee (免除反担保, 86号-16).

    ``SMALL_LOAN`` (个人贷款10万元及以下) is decided by the engine from the amount; the others
    are claimed by the applicant and verified by the guarantee fund (担保基金运营管理机构)."""

    SMALL_LOAN = "small_loan"
    INCUBATION_BASE_RECOMMENDED = "incubation_base_recommended"
    CREDIT_COMMUNITY_RECOMMENDED = "credit_community_recommended"
    CITY_LEVEL_HONOUR = "city_level_honour"
    CREDIT_RATED = "credit_rated"
    STABLE_SECOND_TIME_FOUNDER = "stable_second_time_founder"


EXEMPTION_GROUND_NAMES_ZH: dict[ExemptionGround, str] = {
    ExemptionGround.SMALL_LOAN: "10万元及以下的个人创业担保贷款",
    ExemptionGround.INCUBATION_BASE_RECOMMENDED: "全国创业孵化示范基地推荐的创业项目",
    ExemptionGround.CREDIT_COMMUNITY_RECOMMENDED: "信用社区（乡村）推荐的创业项目",
    ExemptionGround.CITY_LEVEL_HONOUR: "获得设区的市级以上荣誉称号的创业人员、创业项目、创业企业",
    ExemptionGround.CREDIT_RATED: "经金融机构评估认定的信用小微企业、商户、农户",
    ExemptionGround.STABLE_SECOND_TIME_FOUNDER: "经营稳定守信的二次创业者",
}
