"""Who publishes: fictitious departments (示例省财政厅, 示例省东川市财政局 …) and their units.

A department is a region (the province 示例省 or one of its cities) and a theme (财政, 司法 …). The
theme says which 支出功能分类 codes its money is booked to (codes from the shipped catalog
``yusuan/data/function_codes.csv``), what its units are called, what they do and which projects
they run. Units are the department's 机关 and a few subordinate 中心/研究院, each with the kind of
institution that decides how its spending and its 机关运行经费 are reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from yusuan.catalog import function_codes

# Unit kinds: 行政单位 (the department's 机关), 参公 (事业单位 managed like civil servants),
# 公益一类 / 公益二类 事业单位. 机关运行经费 applies to 行政 and 参公 units.
ADMIN, CIVIL, PUBLIC_1, PUBLIC_2 = "行政", "参公", "公益一类", "公益二类"
OPERATING_KINDS = (ADMIN, CIVIL)


@dataclass(frozen=True, slots=True)
class ProjectIdea:
    name: str
    kind: str  # 其他运转类 / 特定目标类
    recurring: bool  # 经常性项目 (continues every year) or 一次性项目


@dataclass(frozen=True, slots=True)
class Theme:
    key: str
    province: str  # department name at province level: 财政厅
    city: str  # at city level: 财政局
    duties: tuple[str, ...]  # clauses of the department's 主要职责
    admin_code: str  # 7-digit code of the 机关's basic spending (行政运行 where the catalog has it)
    service_code: str  # basic spending of 事业单位 (事业运行 where the catalog has it)
    project_codes: tuple[str, ...]
    subordinates: tuple[tuple[str, str], ...]  # (name suffix, unit kind)
    projects: tuple[ProjectIdea, ...]
    fund_code: str | None = None  # 政府性基金 spending (7-digit), when the theme has any
    capital: bool = False  # 国有资本经营预算 spending happens
    special: bool = False  # 财政专户管理资金 (education fees)


def _ideas(*items: tuple[str, str, bool]) -> tuple[ProjectIdea, ...]:
    return tuple(ProjectIdea(*item) for item in items)


RUN, TARGET = "其他运转类", "特定目标类"

GENERIC_PROJECTS = _ideas(
    ("临时聘用人员劳务费", RUN, True),
    ("信息化系统运行维护项目", RUN, True),
    ("办公楼维修改造项目", TARGET, False),
    ("业务能力提升培训项目", RUN, True),
    ("档案数字化加工项目", TARGET, False),
    ("网络安全等级保护测评项目", TARGET, True),
    ("法律顾问服务项目", RUN, True),
    ("政务宣传与信息公开项目", RUN, True),
    ("办公设备更新购置项目", TARGET, False),
    ("专项业务工作经费", RUN, True),
)

THEMES: tuple[Theme, ...] = (
    Theme(
        "数据", "数据局", "数据局",
        ("统筹推进数字政府建设和数据资源管理", "承担政务数据共享交换平台和政务云的建设运行",
         "组织公共数据的归集、治理、共享和开放", "推进新型智慧城市建设"),
        "2010301", "2010350", ("2010302", "2010399"),
        (("大数据中心", CIVIL), ("信息安全测评中心", PUBLIC_1), ("数字经济研究院", PUBLIC_2)),
        _ideas(("政务数据共享交换平台运维项目", RUN, True),
               ("政务云资源租赁服务项目", TARGET, True),
               ("公共数据资源目录编制项目", TARGET, False), ("公共数据开放平台运营项目", RUN, True),
               ("一网通办平台升级改造项目", TARGET, False), ("数据安全风险监测项目", TARGET, True)),
        fund_code="2120803",
    ),
    Theme(
        "财政", "财政厅", "财政局",
        ("贯彻执行财税方针政策，拟订财政发展规划", "承担本级各项财政收支管理",
         "组织编制预算草案和决算草案", "负责政府非税收入和国库集中收付管理",
         "监督检查财税法规执行情况"),
        "2010601", "2010602", ("2010604", "2010605", "2010607", "2010608"),
        (("国库支付中心", CIVIL), ("投资评审中心", PUBLIC_1), ("财政科学研究所", PUBLIC_2)),
        _ideas(("预算管理一体化系统运维项目", RUN, True), ("财政投资评审委托业务费", RUN, True),
               ("国库集中支付电子化改革项目", TARGET, False),
               ("预算绩效评价委托业务费", TARGET, True),
               ("政府采购监管平台建设项目", TARGET, False), ("财政票据电子化项目", TARGET, False)),
        capital=True,
    ),
    Theme(
        "商务", "商务厅", "商务局",
        ("拟订国内外贸易和国际经济合作发展战略", "推进流通产业结构调整", "负责外商投资促进工作",
         "组织开展对外经济合作"),
        "2011301", "2011350", ("2011302", "2011399"),
        (("商务信息中心", PUBLIC_1), ("国际贸易促进中心", CIVIL), ("商务发展研究院", PUBLIC_2)),
        _ideas(("消费促进活动项目", TARGET, True), ("外贸企业服务平台运维项目", RUN, True),
               ("招商引资推介活动项目", TARGET, True), ("电子商务进农村示范项目", TARGET, False),
               ("商贸流通统计监测项目", RUN, True)),
        capital=True,
    ),
    Theme(
        "社会工作", "社会工作部", "社会工作部",
        ("统筹指导人民信访工作", "推进基层治理体系建设", "指导志愿服务工作",
         "统筹推进社会工作人才队伍建设"),
        "2013901", "2013950", ("2013999",),
        (("志愿服务指导中心", PUBLIC_1), ("社会工作服务中心", CIVIL)),
        _ideas(("志愿服务信息平台运维项目", RUN, True), ("社区工作者培训项目", RUN, True),
               ("基层治理创新试点项目", TARGET, False), ("信访事项办理专项经费", RUN, True)),
    ),
    Theme(
        "司法", "司法厅", "司法局",
        ("拟订法治建设规划", "承担行政执法监督工作", "指导监狱戒毒和社区矫正工作",
         "负责普法宣传和公共法律服务体系建设", "管理律师、公证和司法鉴定工作"),
        "2040601", "2040607", ("2040604", "2040605", "2040613", "2040699"),
        (("法律援助中心", CIVIL), ("公证处", PUBLIC_2), ("司法鉴定中心", PUBLIC_1)),
        _ideas(("法律援助案件补贴", RUN, True), ("普法宣传教育项目", RUN, True),
               ("社区矫正信息化建设项目", TARGET, False), ("人民调解员以案定补经费", RUN, True),
               ("公共法律服务热线运维项目", RUN, True)),
    ),
    Theme(
        "医疗保障", "医疗保障局", "医疗保障局",
        ("拟订医疗保险、生育保险、医疗救助等医疗保障制度", "组织制定药品和医用耗材价格政策",
         "推进医保支付方式改革", "监督管理医保基金"),
        "2101501", "2101550", ("2101502", "2101506", "2101599"),
        (("医疗保险经办中心", CIVIL), ("医疗保障信息中心", PUBLIC_1)),
        _ideas(("医保信息平台运维项目", RUN, True), ("医保基金监管专项经费", TARGET, True),
               ("异地就医直接结算服务项目", RUN, True), ("药品集中带量采购项目", TARGET, False)),
    ),
    Theme(
        "住房和城乡建设", "住房和城乡建设厅", "住房和城乡建设局",
        ("拟订住房和城乡建设政策", "指导城市建设和城市管理", "监督管理建筑市场和工程质量安全",
         "推进城镇老旧小区改造"),
        "2120101", "2120102", ("2120104", "2120199", "2120201", "2120399", "2120501"),
        (("城乡规划设计研究院", PUBLIC_2), ("建设工程质量安全监督站", CIVIL),
         ("城市管理服务中心", PUBLIC_1)),
        _ideas(("城镇老旧小区改造项目", TARGET, False), ("城市体检评估项目", TARGET, True),
               ("建筑市场监管平台运维项目", RUN, True), ("城市生活垃圾分类推进项目", TARGET, True),
               ("城市排水防涝设施建设项目", TARGET, False)),
        fund_code="2120803",
    ),
    Theme(
        "自然资源", "自然资源厅", "自然资源局",
        ("履行自然资源资产所有者职责", "负责自然资源调查监测评价", "负责国土空间规划和用途管制",
         "负责耕地保护和矿产资源管理"),
        "2200199", "2200150", ("2200199",),
        (("国土空间规划研究院", PUBLIC_2), ("自然资源调查监测中心", PUBLIC_1),
         ("不动产登记中心", CIVIL)),
        _ideas(("国土变更调查项目", TARGET, True), ("国土空间规划编制项目", TARGET, False),
               ("不动产登记信息平台运维项目", RUN, True), ("耕地保护动态监测项目", TARGET, True)),
    ),
    Theme(
        "组织", "组织部", "组织部",
        ("负责党的组织建设和干部队伍建设", "负责公务员队伍建设和人才工作", "指导基层党组织建设"),
        "2013202", "2013202", ("2013299",),
        (("干部教育培训中心", CIVIL), ("党员教育中心", PUBLIC_1)),
        _ideas(("干部教育培训项目", RUN, True), ("党员教育电视片制作项目", TARGET, True),
               ("人才工作专项经费", TARGET, True), ("基层党建示范点建设项目", TARGET, False)),
    ),
    Theme(
        "宣传", "宣传部", "宣传部",
        ("负责理论学习和宣传教育", "指导新闻出版和网络文化建设", "组织精神文明建设"),
        "2013302", "2013302", ("2013302",),
        (("新闻中心", CIVIL), ("文明创建指导中心", PUBLIC_1)),
        _ideas(("重大主题宣传项目", TARGET, True), ("文明城市创建专项经费", TARGET, True),
               ("网络舆情监测服务项目", RUN, True), ("公益广告制作项目", TARGET, False)),
    ),
    Theme(
        "统战", "统战部", "统战部",
        ("负责统一战线理论政策研究", "联系民主党派和无党派人士", "负责民族宗教和港澳台侨工作"),
        "2013402", "2013402", ("2013402",),
        (("社会主义学院", CIVIL),),
        _ideas(("党外代表人士培训项目", RUN, True), ("民族团结进步创建项目", TARGET, True),
               ("海外联谊活动经费", TARGET, True)),
    ),
    Theme(
        "市场监督管理", "市场监督管理局", "市场监督管理局",
        ("负责市场综合监督管理", "负责市场主体统一登记注册", "负责食品安全和特种设备安全监管",
         "负责产品质量和计量标准化管理"),
        "2013802", "2013802", ("2013802",),
        (("食品检验检测中心", PUBLIC_1), ("特种设备检验研究院", PUBLIC_2),
         ("市场监管信息中心", CIVIL)),
        _ideas(("食品安全抽检监测项目", TARGET, True), ("特种设备安全监察项目", RUN, True),
               ("市场主体登记系统运维项目", RUN, True), ("计量器具强制检定项目", TARGET, True)),
    ),
    Theme(
        "妇联", "妇女联合会", "妇女联合会",
        ("代表和维护妇女儿童合法权益", "团结引导妇女参与经济社会建设", "推动家庭文明建设"),
        "2012902", "2012902", ("2012902",),
        (("妇女儿童活动中心", PUBLIC_1),),
        _ideas(("妇女创业就业培训项目", RUN, True), ("困难妇女儿童救助项目", TARGET, True),
               ("家庭家教家风建设项目", TARGET, True)),
    ),
    Theme(
        "红十字会", "红十字会", "红十字会",
        ("开展救援、救灾的相关工作", "组织开展应急救护培训", "推动无偿献血和遗体器官捐献工作"),
        "2081602", "2081602", ("2081602",),
        (("红十字备灾救灾中心", PUBLIC_1),),
        _ideas(("应急救护培训项目", RUN, True), ("人道救助专项经费", TARGET, True),
               ("造血干细胞捐献宣传项目", TARGET, True)),
    ),
    Theme(
        "民政", "民政厅", "民政局",
        ("拟订民政事业发展规划", "负责社会组织登记和监督管理", "负责社会救助和养老服务",
         "负责儿童福利和殡葬管理"),
        "2080206", "2081005", ("2080206", "2081005", "2082501"),
        (("社会福利院", PUBLIC_1), ("救助管理站", CIVIL), ("社会组织服务中心", PUBLIC_1)),
        _ideas(("社会组织等级评估项目", TARGET, True), ("困难群众救助项目", RUN, True),
               ("养老服务体系建设项目", TARGET, False), ("孤残儿童养育项目", RUN, True)),
        fund_code="2296002",
    ),
    Theme(
        "人力资源和社会保障", "人力资源和社会保障厅", "人力资源和社会保障局",
        ("拟订人力资源和社会保障事业发展规划", "负责促进就业和社会保险工作",
         "负责劳动关系和劳动保障监察"),
        "2080109", "2080109", ("2080109", "2080705"),
        (("社会保险事业管理中心", CIVIL), ("人才交流服务中心", PUBLIC_1),
         ("职业技能鉴定中心", PUBLIC_2)),
        _ideas(("社会保险经办服务项目", RUN, True), ("公益性岗位补贴", TARGET, True),
               ("职业技能竞赛项目", TARGET, True), ("劳动保障监察执法项目", RUN, True)),
    ),
    Theme(
        "卫生健康", "卫生健康委员会", "卫生健康委员会",
        ("拟订卫生健康政策", "协调推进深化医药卫生体制改革", "负责疾病预防控制和卫生应急工作",
         "负责人口监测和计划生育服务"),
        "2109999", "2100717", ("2100717", "2100799", "2101301", "2101399"),
        (("卫生健康综合监督执法局", CIVIL), ("妇幼保健院", PUBLIC_2),
         ("卫生健康信息中心", PUBLIC_1)),
        _ideas(("基本公共卫生服务项目", RUN, True), ("计划生育家庭奖励扶助项目", RUN, True),
               ("城乡医疗救助项目", TARGET, True), ("全民健康信息平台建设项目", TARGET, False)),
    ),
    Theme(
        "科学技术", "科学技术厅", "科学技术局",
        ("拟订科技发展规划和政策", "统筹推进科技创新体系建设", "组织开展科学技术普及"),
        "2060503", "2060503", ("2060503", "2060702"),
        (("科技情报研究所", PUBLIC_2), ("科技馆", PUBLIC_1), ("科技成果转化中心", PUBLIC_1)),
        _ideas(("科技创新平台建设项目", TARGET, False), ("科普活动周项目", RUN, True),
               ("科技成果转化引导项目", TARGET, True), ("大型科学仪器共享服务项目", RUN, True)),
    ),
    Theme(
        "体育", "体育局", "体育局",
        ("拟订体育事业发展规划", "推进全民健身和群众体育", "统筹竞技体育发展"),
        "2070308", "2070308", ("2070308",),
        (("体育训练中心", PUBLIC_1), ("全民健身指导中心", PUBLIC_1)),
        _ideas(("全民健身运动会项目", TARGET, True), ("体育场馆免费低收费开放补助", RUN, True),
               ("社会体育指导员培训项目", RUN, True)),
        fund_code="2296003",
    ),
    Theme(
        "工业和信息化", "工业和信息化厅", "工业和信息化局",
        ("拟订新型工业化发展战略", "推动工业和信息化融合", "负责中小企业发展的宏观指导"),
        "2150899", "2150899", ("2150899",),
        (("中小企业服务中心", CIVIL), ("工业经济研究院", PUBLIC_2)),
        _ideas(("中小企业公共服务平台运营项目", RUN, True), ("专精特新企业培育项目", TARGET, True),
               ("工业经济运行监测项目", RUN, True), ("智能制造试点示范项目", TARGET, False)),
        capital=True,
    ),
    Theme(
        "乡村振兴", "乡村振兴局", "乡村振兴局",
        ("巩固拓展脱贫攻坚成果", "统筹推进乡村发展、乡村建设和乡村治理", "组织开展驻村帮扶工作"),
        "2130506", "2130506", ("2130506",),
        (("乡村振兴服务中心", CIVIL),),
        _ideas(("驻村工作队工作经费", RUN, True), ("防返贫动态监测项目", RUN, True),
               ("乡村振兴示范村建设项目", TARGET, False)),
    ),
    Theme(
        "统计", "统计局", "统计局",
        ("组织实施统计调查", "开展国民经济核算", "组织全国性普查工作"),
        "2010506", "2010506", ("2010506", "2010507"),
        (("统计信息中心", PUBLIC_1), ("普查中心", CIVIL)),
        _ideas(("经济普查项目", TARGET, False), ("统计调查专项经费", RUN, True),
               ("统计数据质量核查项目", TARGET, True)),
    ),
    Theme(
        "教育", "教育厅", "教育局",
        ("拟订教育改革发展规划", "统筹管理各级各类教育", "负责教师队伍建设和教育督导"),
        "2059999", "2059999", ("2059999",),
        (("教育考试院", PUBLIC_1), ("电化教育馆", PUBLIC_1), ("教育科学研究院", PUBLIC_2)),
        _ideas(("教育考试组织项目", RUN, True), ("教师培训项目", RUN, True),
               ("智慧教育平台建设项目", TARGET, False), ("学生资助管理项目", TARGET, True)),
        special=True,
    ),
)  # fmt: skip

# 政府性基金 and 国有资本经营 codes the catalog does not hold (it lists codes seen in published
# documents): their official names, given in the data as ``code_names``.
EXTRA_CODE_NAMES = {
    "212": "城乡社区支出",
    "21208": "国有土地使用权出让收入安排的支出",
    "2120803": "城市建设支出",
    "229": "其他支出",
    "22960": "彩票公益金安排的支出",
    "2296002": "用于社会福利的彩票公益金支出",
    "2296003": "用于体育事业的彩票公益金支出",
}
CAPITAL_CODE = "2239999"  # 其他国有资本经营预算支出 (in the catalog)

# Two characters of a fictitious city name: first × second gives 600 names.
_CITY_FIRST = "东西南北青清安平永长新宁华江河山云明丰兴泰和嘉康瑞临阳源原金"
_CITY_SECOND = "川阳平源州原宁安山河江城林泉溪丘岭湖台海"


def code_name(code: str) -> str:
    """The official name of a code: the shipped catalog first, then ``EXTRA_CODE_NAMES``."""
    known = function_codes().get(code)
    return known[0] if known is not None else EXTRA_CODE_NAMES[code]


def region_name(index: int) -> str:
    """Region 0 is the province 示例省; region r ≥ 1 a city of it: 示例省东川市 …"""
    if index == 0:
        return "示例省"
    k = index - 1
    first = _CITY_FIRST[k % len(_CITY_FIRST)]
    second = _CITY_SECOND[(k // len(_CITY_FIRST)) % len(_CITY_SECOND)]
    rounds = k // (len(_CITY_FIRST) * len(_CITY_SECOND))
    extra = _CITY_SECOND[rounds % len(_CITY_SECOND)] if rounds else ""
    return f"示例省{first}{second}{extra}市"


@dataclass(frozen=True, slots=True)
class UnitSpec:
    name: str
    kind: str  # ADMIN, CIVIL, PUBLIC_1, PUBLIC_2
    suffix: str  # 机关, 国库支付中心 …

    @property
    def operating_costs_apply(self) -> bool:
        return self.kind in OPERATING_KINDS


@dataclass(frozen=True, slots=True)
class DepartmentSpec:
    index: int
    name: str  # 示例省财政厅
    code: str  # 主管部门代码
    region: str
    theme: Theme
    units: tuple[UnitSpec, ...]  # the 机关 first


def department(index: int, subordinates: int) -> DepartmentSpec:
    """Department ``index``: region ``index // len(THEMES)``, theme ``index % len(THEMES)``,
    with its 机关 and the first ``subordinates`` of the theme's subordinate units."""
    region_index, theme_index = divmod(index, len(THEMES))
    theme = THEMES[theme_index]
    region = region_name(region_index)
    name = region + (theme.province if region_index == 0 else theme.city)
    units = [UnitSpec(f"{name}机关", ADMIN, "机关")]
    for suffix, kind in theme.subordinates[:subordinates]:
        units.append(UnitSpec(f"{name}{suffix}", kind, suffix))
    code = (
        f"{101 + theme_index}" if region_index == 0 else f"{region_index:03d}{theme_index + 1:02d}"
    )
    return DepartmentSpec(index, name, code, region, theme, tuple(units))


def unknown_codes() -> list[str]:
    """Codes the themes use that have no name (a typo in the theme table; a test asserts none)."""
    unknown = []
    for theme in THEMES:
        codes = [theme.admin_code, theme.service_code, *theme.project_codes, CAPITAL_CODE]
        codes += [theme.fund_code] if theme.fund_code else []
        for code in codes:
            for length in (3, 5, 7):
                part = code[:length]
                if part not in function_codes() and part not in EXTRA_CODE_NAMES:
                    unknown.append(part)
    return unknown
