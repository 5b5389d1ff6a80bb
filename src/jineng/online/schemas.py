"""Schemas of /api/v1/online."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class EventIn(Schema):
    event_id: str = Field(max_length=64, description="事件编号：平台或设备自己的唯一编号，重复报送只存一次")
    class_ref: str = Field(max_length=32, description="开班编号")
    id_number: str = Field(max_length=32, description="学员身份证号")
    kind: str = Field(
        max_length=16,
        description="事件类型：session_start 开始学习、session_end 结束学习、progress 播放进度、blur 离开学习窗口、"
        "focus 回到学习窗口、popup_shown 弹窗验证、popup_answered 弹窗已作答、liveness 人脸活体比对、"
        "photo 随机抓拍；设备：face_in 人脸签到、face_out 人脸签退、photo 抓拍",
    )
    at: dt.datetime = Field(description="发生时间，须带时区，如 2023-06-05T09:00:00+08:00")
    lesson: int | None = Field(None, ge=0, le=100_000, description="课序（课程视频的顺序号），学习事件必填")
    position: int | None = Field(None, ge=0, le=86_400, description="播放位置（秒）")
    speed: Decimal | None = Field(None, ge=0, le=16, max_digits=4, decimal_places=2, description="播放倍速")
    passed: bool | None = Field(None, description="活体比对/人脸签到是否通过，弹窗是否答对")
    score: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2, description="比对分数")
    ref: str = Field("", max_length=128, description="图像编号（随机抓拍、签到照片的存储编号）")


class EventsIn(Schema):
    events: list[EventIn] = Field(max_length=10_000, description="一批事件，每批最多 10000 条")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "events": [
                        {
                            "event_id": "p1-000001",
                            "class_ref": "KB2023060001",
                            "id_number": "411002199005060021",
                            "kind": "session_start",
                            "at": "2023-06-05T09:00:00+08:00",
                            "lesson": 1,
                            "position": 0,
                            "speed": "1.0",
                        },
                        {
                            "event_id": "p1-000002",
                            "class_ref": "KB2023060001",
                            "id_number": "411002199005060021",
                            "kind": "liveness",
                            "at": "2023-06-05T09:00:30+08:00",
                            "lesson": 1,
                            "passed": True,
                            "score": "92.5",
                            "ref": "img/2023/06/05/p1-000002.jpg",
                        },
                        {
                            "event_id": "d7-000001",
                            "class_ref": "KB2023060001",
                            "id_number": "411002199005060021",
                            "kind": "face_in",
                            "at": "2023-06-05T08:52:10+08:00",
                            "passed": True,
                            "score": "88.0",
                        },
                    ]
                }
            ]
        }
    }


class RefusedEventOut(Schema):
    index: int = Field(description="该事件在本批中的序号（从 0 起）")
    event_id: str
    field: str = Field(description="有问题的字段")
    message: str = Field(description="中文说明")


class IngestOut(Schema):
    received: int = Field(description="收到的事件数")
    stored: int = Field(description="新存入的事件数")
    duplicates: int = Field(description="已存过或本批重复的事件数（不重复存储）")
    refused: list[RefusedEventOut] = Field(description="未接收的事件，逐条说明")


class OnlineClassOut(Schema):
    id: int
    ref: str
    delivery: str
    delivery_label: str
    institution: str
    platform: str
    start_date: dt.date
    end_date: dt.date
    trainees: int
    online_hours_required: int
    offline_hours_required: int


class LessonOut(Schema):
    lesson: int
    minutes: int
    valid: bool
    reasons: list[str] = Field(description="无效原因，含规则编号与条款")
    photos: list[str] = Field(description="随机抓拍照片编号")


class TraineeOut(Schema):
    row: int
    name: str
    id_number: str = Field(description="身份证号（脱敏）")
    valid_hours: int = Field(description="有效线上学习课时（D04）")
    required_online_hours: int
    invalid_lessons: int
    checked_in_hours: int | None = Field(description="人脸识别签到课时（C07）；无签到记录为空")
    required_offline_hours: int
    lessons: list[LessonOut]


class ClassRecordOut(Schema):
    training_class: OnlineClassOut
    course: str = Field(description="线上课程（编号 名称，审核状态）")
    trainees: list[TraineeOut]


class CheckinOut(Schema):
    row: int
    name: str
    first_in: dt.datetime | None
    last_out: dt.datetime | None
    failed: int = Field(description="比对未通过次数")


class ExceptionOut(Schema):
    class_id: int
    ref: str
    institution: str
    trainees: int
    invalid_lessons: int
    trainees_with_invalid: int
    missing_checkins: int
    reasons: list[str]


class CourseVideoIn(Schema):
    lesson: int = Field(ge=1, le=10_000)
    title: str = Field(max_length=200)
    minutes: int = Field(ge=1, le=1_000)
    video_ref: str = Field(max_length=128)


class CourseIn(Schema):
    code: str = Field(max_length=64)
    title: str = Field(max_length=200)
    occupation_id: int
    videos: list[CourseVideoIn] = Field(max_length=2_000)


class CourseOut(Schema):
    id: int
    code: str
    title: str
    platform: str
    occupation: str
    state: str
    state_label: str
    videos: int
    decision_note: str


class CourseDecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=500)


class ClassCourseIn(Schema):
    course_id: int


class RequesterIn(Schema):
    requester: str = Field(
        description="enterprise 企业、worker 劳动者个人、institution 培训机构、platform 线上平台"
    )
    requester_name: str = Field(max_length=128)
    letter_ref: str = Field("", max_length=64)


class RequesterOut(Schema):
    requester: str
    requester_label: str
    requester_name: str
    letter_ref: str


class DeviceIn(Schema):
    code: str = Field(max_length=64)
    site: str = Field(max_length=200)


class DeviceOut(Schema):
    id: int
    code: str
    site: str
    active: bool
    last_used_at: dt.datetime | None


class DeviceIssuedOut(DeviceOut):
    token: str = Field(description="设备令牌，只显示这一次")
