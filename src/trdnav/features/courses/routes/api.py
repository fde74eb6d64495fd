"""Clinic API v1: patients, resources, courses and sessions (contract clinic-api-v1).

Every route: parse -> authorize (token -> Actor; records through the one access helper, 404
for another clinic's ids before any role check) -> call a service -> return. A unit of work
per request; a service's Conflict or InvalidRequest rolls it back whole.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from trdnav.domain.scheduling.calendar import to_local
from trdnav.features.courses import booking, changes, ics, patients, service
from trdnav.features.courses.views import (
    CourseCreate,
    CourseStatusUpdate,
    CourseView,
    PatientCreate,
    PatientView,
    ResourceList,
    SessionCancel,
    SessionReschedule,
    SessionView,
)
from trdnav.features.tokens.bearer import (
    ApiRequire,
    ApiRoute,
    ApiScoped,
    commit_or_problem,
    problem_responses,
)
from trdnav.platform.access import Actor
from trdnav.platform.web.deps import unit_of_work
from trdnav.platform.web.openapi import domain_rules, link
from trdnav.storage.models import Course, CourseSession, Patient

router = APIRouter(route_class=ApiRoute, tags=["clinic API: patients and courses"])
PATIENT = "$response.body#/id"
COURSE = {"course_id": "$response.body#/id"}
FIRST_SESSION = {"session_id": "$response.body#/sessions/0/id"}
PATIENT_LINKS = {
    "links": {
        "ReadPatient": link("/api/v1/patients/{patient_id}", "get", patient_id=PATIENT),
        "PlanCourse": link("/api/v1/patients/{patient_id}/courses", "post", patient_id=PATIENT),
        "CheckCoverage": link(
            "/api/v1/patients/{patient_id}/coverage-check", "get", patient_id=PATIENT
        ),
        "StartPriorAuthorization": link(
            "/api/v1/patients/{patient_id}/prior-authorizations", "post", patient_id=PATIENT
        ),
    }
}
COURSE_LINKS = {
    "links": {
        "ReadCourse": link("/api/v1/courses/{course_id}", "get", **COURSE),
        "CourseCalendar": link("/api/v1/courses/{course_id}/calendar.ics", "get", **COURSE),
        "EndCourse": link("/api/v1/courses/{course_id}/status", "post", **COURSE),
        "RescheduleFirstSession": link(
            "/api/v1/sessions/{session_id}/reschedule", "post", **FIRST_SESSION
        ),
        "CancelFirstSession": link("/api/v1/sessions/{session_id}/cancel", "post", **FIRST_SESSION),
    }
}


def now() -> datetime:
    return datetime.now(UTC)


@router.post(
    "/api/v1/patients",
    status_code=201,
    response_model=PatientView,
    responses={201: PATIENT_LINKS, **problem_responses(401, 403, 422)},
    openapi_extra=domain_rules(
        "the birth date is after 1900",
        "names are not blank once trimmed",
        "the email address and the phone number are valid ones",
    ),
    summary="Create a patient record",
)
def create_patient(
    body: PatientCreate,
    actor: Actor = Depends(ApiRequire("patient.edit")),
    db: Session = Depends(unit_of_work),
) -> PatientView:
    """A patient of the token's clinic."""
    t = now()
    today = to_local(t, service.schedule_of(db, actor).tz)[0]
    patient = commit_or_problem(db, lambda: patients.create_patient(db, actor, body, today, t))
    return patients.view(patient)


@router.get(
    "/api/v1/patients/{patient_id}",
    response_model=PatientView,
    responses=problem_responses(401, 403, 404),
    summary="Read a patient record",
)
def read_patient(
    patient_id: str,
    scoped: tuple[Actor, Patient] = Depends(ApiScoped(Patient, "patient_id", "patient.view")),
    db: Session = Depends(unit_of_work),
) -> PatientView:
    actor, patient = scoped
    return commit_or_problem(db, lambda: patients.read_patient(db, actor, patient, now()))


@router.get(
    "/api/v1/resources",
    response_model=ResourceList,
    responses=problem_responses(401, 403, 422),
    summary="What can be booked: chairs, devices, rooms",
)
def list_resources(
    limit: int = Query(default=50, ge=1, le=200),
    cursor: str | None = Query(default=None, max_length=20),
    actor: Actor = Depends(ApiRequire("schedule.view")),
    db: Session = Depends(unit_of_work),
) -> ResourceList:
    return service.resources(db, actor, limit, cursor)


@router.post(
    "/api/v1/patients/{patient_id}/courses",
    status_code=201,
    response_model=CourseView,
    responses={201: COURSE_LINKS, **problem_responses(401, 403, 404, 409, 422)},
    openapi_extra=domain_rules(
        "the option (and template, when given) is one this clinic offers",
        "dates and times lie between 2000 and 2100; preferred_time is HH:MM",
        "hand-placed sessions follow the template's rules on resources that serve the option",
    ),
    summary="Plan a course from its template and book every session in one transaction",
)
def create_course(
    patient_id: str,
    body: CourseCreate,
    scoped: tuple[Actor, Patient] = Depends(ApiScoped(Patient, "patient_id", "schedule.book")),
    db: Session = Depends(unit_of_work),
) -> CourseView:
    actor, patient = scoped
    schedule = service.schedule_of(db, actor)
    course = commit_or_problem(
        db, lambda: booking.book_course(db, actor, schedule, patient, body, now())
    )
    return booking.course_view(db, course)


@router.get(
    "/api/v1/courses/{course_id}",
    response_model=CourseView,
    responses=problem_responses(401, 403, 404),
    summary="A course with its sessions",
)
def read_course(
    course_id: str,
    scoped: tuple[Actor, Course] = Depends(ApiScoped(Course, "course_id", "schedule.view")),
    db: Session = Depends(unit_of_work),
) -> CourseView:
    actor, course = scoped
    return commit_or_problem(db, lambda: service.read_course(db, actor, course, now()))


@router.get(
    "/api/v1/courses/{course_id}/calendar.ics",
    response_class=Response,
    responses={
        200: {"description": "RFC 5545 calendar", "content": {"text/calendar": {}}},
        **problem_responses(401, 403, 404),
    },
    summary="The course's booked sessions as a calendar for the patient",
)
def course_calendar(
    course_id: str,
    scoped: tuple[Actor, Course] = Depends(ApiScoped(Course, "course_id", "schedule.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    actor, course = scoped
    schedule = service.schedule_of(db, actor)
    body = commit_or_problem(db, lambda: ics.course_calendar(db, actor, schedule, course, now()))
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="appointments.ics"'},
    )


@router.post(
    "/api/v1/courses/{course_id}/status",
    response_model=CourseView,
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="End a course: completed or discontinued (future sessions are released)",
)
def course_status(
    course_id: str,
    body: CourseStatusUpdate,
    scoped: tuple[Actor, Course] = Depends(ApiScoped(Course, "course_id", "schedule.book")),
    db: Session = Depends(unit_of_work),
) -> CourseView:
    actor, course = scoped
    commit_or_problem(
        db, lambda: changes.set_status(db, actor, course, body.status, body.reason, now())
    )
    return booking.course_view(db, course)


def _session_view(row: CourseSession) -> SessionView:
    return SessionView(
        id=row.id,
        number=row.number,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        resource_id=row.resource_id,
        status=row.status,
    )


SessionScope = ApiScoped(CourseSession, "session_id", "schedule.book")


@router.post(
    "/api/v1/sessions/{session_id}/reschedule",
    response_model=SessionView,
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=domain_rules(
        "the new time lies between 2000 and 2100 and within the course's rules",
        "the resource serves the course's option",
    ),
    summary="Move one session (the course's rules and every booking still hold)",
)
def reschedule_session(
    session_id: str,
    body: SessionReschedule,
    scoped: tuple[Actor, CourseSession] = Depends(SessionScope),
    db: Session = Depends(unit_of_work),
) -> SessionView:
    actor, row = scoped
    course = service.course_of(db, row)
    schedule = service.schedule_of(db, actor)

    def move() -> CourseSession:
        return changes.reschedule(
            db, actor, schedule, course, row, body.starts_at, body.resource_id, now()
        )

    return _session_view(commit_or_problem(db, move))


@router.post(
    "/api/v1/sessions/{session_id}/cancel",
    response_model=SessionView,
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Cancel one session; its time is free again at once",
)
def cancel_session(
    session_id: str,
    body: SessionCancel,
    scoped: tuple[Actor, CourseSession] = Depends(SessionScope),
    db: Session = Depends(unit_of_work),
) -> SessionView:
    actor, row = scoped
    course = service.course_of(db, row)
    return _session_view(
        commit_or_problem(db, lambda: changes.cancel(db, actor, course, row, body.reason, now()))
    )
