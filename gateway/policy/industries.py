"""Who may defer premiums (86号-1..3): industries, enterprise size classes, insurance types.

The 5 special-hardship industries (特困行业) are named in 86号-1 itself. The 17 hardship
industries (扩围行业) are "列入国家扩大实施缓缴政策困难名单的17个行业": the list comes from
人社部发〔2022〕31号, which 86号 cites as its basis; each carries its GB/T 4754-2017 division
code so an enterprise's registered industry can be matched. Codes are stable API values:
never rename one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum


class Industry(StrEnum):
    # 5 special-hardship industries (特困行业), 86号-1
    CATERING = "catering"
    RETAIL = "retail"
    TOURISM = "tourism"
    CIVIL_AVIATION = "civil_aviation"
    ROAD_WATER_RAIL_TRANSPORT = "road_water_rail_transport"
    # 17 hardship industries (扩围行业), 人社部发〔2022〕31号 via 86号-1
    AGRI_FOOD_PROCESSING = "agri_food_processing"
    TEXTILES = "textiles"
    TEXTILE_APPAREL = "textile_apparel"
    PAPER = "paper"
    PRINTING_RECORDED_MEDIA = "printing_recorded_media"
    PHARMACEUTICALS = "pharmaceuticals"
    CHEMICAL_FIBRES = "chemical_fibres"
    RUBBER_PLASTICS = "rubber_plastics"
    GENERAL_EQUIPMENT = "general_equipment"
    AUTOMOBILES = "automobiles"
    RAIL_SHIP_AEROSPACE_EQUIPMENT = "rail_ship_aerospace_equipment"
    INSTRUMENTS = "instruments"
    SOCIAL_WORK = "social_work"
    BROADCASTING_FILM_RECORDING = "broadcasting_film_recording"
    CULTURE_ARTS = "culture_arts"
    SPORTS = "sports"
    ENTERTAINMENT = "entertainment"
    # any industry on neither list
    OTHER = "other"


SPECIAL_HARDSHIP_INDUSTRIES: frozenset[Industry] = frozenset(
    {
        Industry.CATERING,
        Industry.RETAIL,
        Industry.TOURISM,
        Industry.CIVIL_AVIATION,
        Industry.ROAD_WATER_RAIL_TRANSPORT,
    }
)

# Industry -> GB/T 4754-2017 division (门类大类) code, for the 17 hardship industries.
HARDSHIP_INDUSTRY_DIVISIONS: dict[Industry, str] = {
    Industry.AGRI_FOOD_PROCESSING: "13",
    Industry.TEXTILES: "17",
    Industry.TEXTILE_APPAREL: "18",
    Industry.PAPER: "22",
    Industry.PRINTING_RECORDED_MEDIA: "23",
    Industry.PHARMACEUTICALS: "27",
    Industry.CHEMICAL_FIBRES: "28",
    Industry.RUBBER_PLASTICS: "29",
    Industry.GENERAL_EQUIPMENT: "34",
    Industry.AUTOMOBILES: "36",
    Industry.RAIL_SHIP_AEROSPACE_EQUIPMENT: "37",
    Industry.INSTRUMENTS: "40",
    Industry.SOCIAL_WORK: "85",
    Industry.BROADCASTING_FILM_RECORDING: "87",
    Industry.CULTURE_ARTS: "88",
    Industry.SPORTS: "89",
    Industry.ENTERTAINMENT: "90",
}
HARDSHIP_INDUSTRIES: frozenset[Industry] = frozenset(HARDSHIP_INDUSTRY_DIVISIONS)

INDUSTRY_NAMES_ZH: dict[Industry, str] = {
    Industry.CATERING: "餐饮",
    Industry.RETAIL: "零售",
    Industry.TOURISM: "旅游",
    Industry.CIVIL_AVIATION: "民航",
    Industry.ROAD_WATER_RAIL_TRANSPORT: "公路水路铁路运输",
    Industry.AGRI_FOOD_PROCESSING: "农副食品加工业",
    Industry.TEXTILES: "纺织业",
    Industry.TEXTILE_APPAREL: "纺织服装、服饰业",
    Industry.PAPER: "造纸和纸制品业",
    Industry.PRINTING_RECORDED_MEDIA: "印刷和记录媒介复制业",
    Industry.PHARMACEUTICALS: "医药制造业",
    Industry.CHEMICAL_FIBRES: "化学纤维制造业",
    Industry.RUBBER_PLASTICS: "橡胶和塑料制品业",
    Industry.GENERAL_EQUIPMENT: "通用设备制造业",
    Industry.AUTOMOBILES: "汽车制造业",
    Industry.RAIL_SHIP_AEROSPACE_EQUIPMENT: "铁路、船舶、航空航天和其他运输设备制造业",
    Industry.INSTRUMENTS: "仪器仪表制造业",
    Industry.SOCIAL_WORK: "社会工作",
    Industry.BROADCASTING_FILM_RECORDING: "广播、电视、电影和录音制作业",
    Industry.CULTURE_ARTS: "文化艺术业",
    Industry.SPORTS: "体育",
    Industry.ENTERTAINMENT: "娱乐业",
    Industry.OTHER: "其他行业",
}


class SizeClass(StrEnum):
    """Enterprise size (企业划型). The last three are the non-enterprise units 86号-1..3 let
    defer "参照执行" alongside SMEs: individual businesses insured as a unit (以单位方式参保的
    个体工商户) and public institutions / social organisations in the enterprise employees'
    pension scheme (参加企业职工基本养老保险的事业单位及社会团体、基金会、社会服务机构、
    律师事务所、会计师事务所等社会组织)."""

    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"
    INDIVIDUAL_BUSINESS = "individual_business"
    PUBLIC_INSTITUTION = "public_institution"
    SOCIAL_ORGANISATION = "social_organisation"


# Units the SME ("中小微企业") deferral grounds of 86号-1..3 apply to.
TREATED_AS_SME: frozenset[SizeClass] = frozenset(set(SizeClass) - {SizeClass.LARGE})

SIZE_CLASS_NAMES_ZH: dict[SizeClass, str] = {
    SizeClass.LARGE: "大型企业",
    SizeClass.MEDIUM: "中型企业",
    SizeClass.SMALL: "小型企业",
    SizeClass.MICRO: "微型企业",
    SizeClass.INDIVIDUAL_BUSINESS: "以单位方式参保的个体工商户",
    SizeClass.PUBLIC_INSTITUTION: "参加企业职工基本养老保险的事业单位",
    SizeClass.SOCIAL_ORGANISATION: "参加企业职工基本养老保险的社会组织",
}


class InsuranceType(StrEnum):
    PENSION = "pension"  # 职工基本养老保险费单位缴费部分, 86号-1
    WORK_INJURY = "work_injury"  # 工伤保险费, 86号-2
    UNEMPLOYMENT = "unemployment"  # 失业保险费, 86号-3


INSURANCE_NAMES_ZH: dict[InsuranceType, str] = {
    InsuranceType.PENSION: "职工基本养老保险费（单位缴费部分）",
    InsuranceType.WORK_INJURY: "工伤保险费",
    InsuranceType.UNEMPLOYMENT: "失业保险费",
}

INSURANCE_MEASURES: dict[InsuranceType, str] = {
    InsuranceType.PENSION: "86号-1",
    InsuranceType.WORK_INJURY: "86号-2",
    InsuranceType.UNEMPLOYMENT: "86号-3",
}
