from pathlib import Path

import pytest

from county.catalogue import (
    TASK_KINDS,
    format_catalogue,
    load_catalogue,
    parse_work_plan,
    split_units,
)

SPEC_PLAN = Path("/work/shared/spec/work-plan.txt")
EXPECTED_IDS = [str(n) for n in range(1, 96)] + ["B1", "B2", "D1", "D2"]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_all_99_items_in_plan_order(catalogue):
    assert [item.id for item in catalogue] == EXPECTED_IDS
    assert len(catalogue) == 99


def test_exactly_38_online_search_tasks(catalogue):
    assert sum(len(item.online_tasks) for item in catalogue) == 38


def test_every_item_has_tasks_of_known_kinds_and_units(catalogue):
    for item in catalogue:
        assert item.tasks, item.id
        assert item.responsible, item.id
        assert all(task.kind in TASK_KINDS and task.text for task in item.tasks), item.id
        assert len(item.online_tasks) + len(item.people_tasks) == len(item.tasks)
        assert all(task.kind == "网络检索" for task in item.online_tasks)
        assert "网络检索" not in {task.kind for task in item.people_tasks}


def test_item_text_is_the_full_indicator(catalogue):
    item = catalogue.get("7")
    assert item.text.startswith("根据法律法规立改废释")
    assert item.text.endswith("并根据法律法规的变化实行动态调整。")


def test_item_7_units_keep_bracketed_township_whole(catalogue):
    assert catalogue.get("7").responsible == ("县委编办", "县直各单位", "各乡（镇、街道）")


def test_item_7_online_task_names_the_lists(catalogue):
    (task,) = catalogue.get("7").online_tasks
    assert task.text == "全部政府工作部门的权责清单、公共服务事项清单在网上公开。"


def test_item_93_unnumbered_online_task_and_units(catalogue):
    item = catalogue.get("93")
    assert [t.kind for t in item.tasks] == ["网络检索"]
    assert "上一年度法治政府建设情况" in item.tasks[0].text
    assert item.responsible == ("县政府办公室", "县司法局", "县直各单位", "各乡（镇、街道）")


def test_item_52_units(catalogue):
    assert catalogue.get("52").responsible == (
        "县发改委",
        "县政务服务和大数据服务中心",
        "县直各相关单位",
        "各乡（镇）政府",
    )


def test_item_without_online_task_needs_people(catalogue):
    item = catalogue.get("4")
    assert item.online_tasks == ()
    assert [t.kind for t in item.people_tasks] == ["材料查证", "随机访谈"]


def test_inline_numbered_case_review_kept_whole(catalogue):
    (task,) = [t for t in catalogue.get("55").tasks if t.kind == "实地核验"]
    assert task.text.startswith("1.查看执法记录仪")
    assert "3.严格按照要求推行行政执法全程音像记录。" in task.text


def test_penalty_item_d1(catalogue):
    item = catalogue.get("D1")
    assert item.text.startswith("发生严重违法行政行为")
    assert [t.kind for t in item.tasks] == ["网络检索"]
    assert item.responsible == ("县网络安全中心", "县公安局")


def test_bonus_item_b1(catalogue):
    item = catalogue.get("B1")
    assert item.text == "法治政府建设有关工作获得省部级以上表彰、奖励。"
    assert [t.kind for t in item.tasks] == ["材料查证"]
    assert item.online_tasks == ()
    assert item.responsible == ("县政府办公室", "县司法局", "县直各单位")


def test_closing_sections_do_not_leak_into_d2(catalogue):
    item = catalogue.get("D2")
    assert [t.text for t in item.tasks] == ["确保各项数据、资料、文件标准、规范、完善。"]
    assert item.responsible == ("县直各单位",)
    assert not any("创建步骤" in t.text or "动员部署" in t.text for t in item.tasks)


def test_unknown_id_raises_clear_key_error(catalogue):
    with pytest.raises(KeyError, match="no indicator '96'"):
        catalogue.get("96")


def test_packaged_plan_is_a_byte_copy_of_the_spec():
    packaged = Path(__file__).parents[1] / "county" / "data" / "work-plan.txt"
    if not SPEC_PLAN.exists():
        pytest.skip("spec folder not present")
    assert packaged.read_bytes() == SPEC_PLAN.read_bytes()


def test_load_from_explicit_path(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text(SHAPES_PLAN, encoding="utf-8")
    assert [i.id for i in load_catalogue(plan)] == ["1", "2", "3", "D1"]


SHAPES_PLAN = """\
二、具体任务
第1项指标：第一项的指标文本，
跨了两行。

工作任务：

（1） 网络检索 ：清单在网上公开；
  相关文件也在网上公开。

(2)材料查证:汇总备查。
责任单位： 县委编办、县政务服务和大数据服务中心，县直各单位，各乡（镇、街道）。 
第2项指标：没有编号的任务。
工作任务：
网络检索：在网站上公开。
责任单位：县司法局。
第 3 项指标：内联编号。
工作任务：
案卷评查：1.开展评查。2.整改到位。
随机抽考：全员考试。
责任单位：县直各单位；县人社局,县财政局 。
附加项指标减分项1：减分项文本。
工作任务：
网络检索：排查。
责任单位：县公安局。
三、创建步骤
（一）动员部署。网络检索：不应被读入。
"""


def test_parser_handles_the_shapes_plans_come_in():
    catalogue = parse_work_plan(SHAPES_PLAN)
    first = catalogue.get("1")
    assert first.text == "第一项的指标文本，跨了两行。"
    assert first.tasks[0].kind == "网络检索"
    assert first.tasks[0].text == "清单在网上公开；相关文件也在网上公开。"
    assert first.tasks[1].kind == "材料查证"
    assert first.responsible == ("县委编办", "县政务服务和大数据服务中心", "县直各单位", "各乡（镇、街道）")
    assert catalogue.get("2").online_tasks[0].text == "在网站上公开。"
    third = catalogue.get("3")
    assert [(t.kind, t.text) for t in third.tasks] == [
        ("案卷评查", "1.开展评查。2.整改到位。"),
        ("随机抽考", "全员考试。"),
    ]
    assert third.responsible == ("县直各单位", "县人社局", "县财政局")
    assert [(t.kind, t.text) for t in catalogue.get("D1").tasks] == [("网络检索", "排查。")]
    assert catalogue.get("D1").responsible == ("县公安局",)


def test_parser_refuses_an_item_without_units():
    with pytest.raises(ValueError, match="item 1 .* no 责任单位"):
        parse_work_plan("第1项指标：文本\n工作任务：\n网络检索：公开。\n")


def test_parser_refuses_an_item_without_tasks():
    with pytest.raises(ValueError, match="item 2 .* no 工作任务"):
        parse_work_plan("第2项指标：文本\n责任单位：县司法局。\n")


def test_parser_refuses_task_text_of_unknown_kind():
    plan = "第1项指标：文本\n工作任务：\n（1）问卷调查：发问卷。\n责任单位：县司法局。\n"
    with pytest.raises(ValueError, match="line 3"):
        parse_work_plan(plan)


def test_parser_refuses_duplicate_items():
    item = "第1项指标：文本\n工作任务：\n网络检索：公开。\n责任单位：县司法局。\n"
    with pytest.raises(ValueError, match="twice"):
        parse_work_plan(item + item)


@pytest.mark.parametrize(
    ("line", "units"),
    [
        ("县委编办，县直各单位，各乡（镇、街道）。", ("县委编办", "县直各单位", "各乡（镇、街道）")),
        ("县直各相关单位，各乡（镇）政府。", ("县直各相关单位", "各乡（镇）政府")),
        ("县司法局、、 ，县财政局。 ", ("县司法局", "县财政局")),
        ("各乡(镇、街道),县司法局;县审计局", ("各乡(镇、街道)", "县司法局", "县审计局")),
    ],
)
def test_split_units(line, units):
    assert split_units(line) == units


def test_format_catalogue_lists_every_item_with_marker_kinds_units(catalogue):
    text = format_catalogue(catalogue, {"7", "93", "D1"})
    blocks = text.strip().split("\n\n")
    assert len(blocks) == 100  # 99 items + totals
    seven = next(b for b in blocks if b.startswith("第7项"))
    assert "自动检查" in seven
    assert "网络检索、材料查证" in seven
    assert "县委编办、县直各单位、各乡（镇、街道）" in seven
    four = next(b for b in blocks if b.startswith("第4项"))
    assert "人工" in four and "自动检查" not in four
    assert any(b.startswith("减分项1（D1）") and "自动检查" in b for b in blocks)
    assert blocks[-1] == "合计：99 项指标，网络检索任务 38 项，自动检查 3 项，其余需人工"


def test_format_catalogue_shortens_long_indicator_text(catalogue):
    text = format_catalogue(catalogue, set())
    full = catalogue.get("1").text
    assert full not in text
    block = text.split("\n\n")[0]
    assert block.splitlines()[1].strip().endswith("…")
    assert full.startswith(block.splitlines()[1].strip()[:-1])
    assert catalogue.get("B1").text in text  # short texts stay whole


def test_format_catalogue_lists_every_responsible_unit_in_full(catalogue):
    text = format_catalogue(catalogue, set()).replace("\n  ", "")
    for item in catalogue:
        assert "责任单位：" + "、".join(item.responsible) in text, item.id
    unit_lines = [line for block in format_catalogue(catalogue, set()).split("\n\n")[:-1] for line in block.splitlines()[2:]]
    assert max(len(line) for line in unit_lines) <= 40, "wrapped to fit an 80-column terminal"


def test_format_catalogue_refuses_unknown_automatic_ids(catalogue):
    with pytest.raises(ValueError, match="96"):
        format_catalogue(catalogue, {"7", "96"})
