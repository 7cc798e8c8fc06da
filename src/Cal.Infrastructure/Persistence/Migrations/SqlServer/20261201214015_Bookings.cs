using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cal.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Bookings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Bookings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Uid = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    RootUid = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    IcsUid = table.Column<string>(type: "varchar(96)", unicode: false, maxLength: 96, nullable: false),
                    EventTypeId = table.Column<int>(type: "int", nullable: false),
                    HostUserId = table.Column<int>(type: "int", nullable: false),
                    Title = table.Column<string>(type: "nvarchar(1024)", maxLength: 1024, nullable: false),
                    Description = table.Column<string>(type: "nvarchar(max)", maxLength: 8000, nullable: false),
                    Start = table.Column<long>(type: "bigint", nullable: false),
                    End = table.Column<long>(type: "bigint", nullable: false),
                    BlockStart = table.Column<long>(type: "bigint", nullable: false),
                    BlockEnd = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "varchar(16)", unicode: false, maxLength: 16, nullable: false),
                    AttendeeName = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    AttendeeEmail = table.Column<string>(type: "nvarchar(320)", maxLength: 320, nullable: false),
                    AttendeeTimeZone = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    AttendeeLanguage = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Guests = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    Metadata = table.Column<string>(type: "nvarchar(max)", maxLength: 64000, nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: true),
                    CancellationReason = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    CancelledByEmail = table.Column<string>(type: "nvarchar(320)", maxLength: 320, nullable: true),
                    RescheduledToUid = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: true),
                    RescheduledFromUid = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: true),
                    ReschedulingReason = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    DestinationCredentialId = table.Column<int>(type: "int", nullable: true),
                    DestinationCalendarUrl = table.Column<string>(type: "nvarchar(2048)", maxLength: 2048, nullable: true),
                    CalendarEventHref = table.Column<string>(type: "nvarchar(max)", maxLength: 4096, nullable: true),
                    CalendarEventETag = table.Column<string>(type: "nvarchar(1024)", maxLength: 1024, nullable: true),
                    IdempotencyKey = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    IdempotencyHash = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Bookings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Bookings_EventTypes_EventTypeId",
                        column: x => x.EventTypeId,
                        principalTable: "EventTypes",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_Bookings_Users_HostUserId",
                        column: x => x.HostUserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DestinationCalendars",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    UserId = table.Column<int>(type: "int", nullable: false),
                    Integration = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    ExternalId = table.Column<string>(type: "nvarchar(2048)", maxLength: 2048, nullable: false),
                    CredentialId = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DestinationCalendars", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DestinationCalendars_Credentials_CredentialId",
                        column: x => x.CredentialId,
                        principalTable: "Credentials",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IdempotencyKeys",
                columns: table => new
                {
                    Key = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: false),
                    BodyHash = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    BookingUid = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdempotencyKeys", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "Outbox",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Kind = table.Column<string>(type: "varchar(32)", unicode: false, maxLength: 32, nullable: false),
                    OrderKey = table.Column<string>(type: "varchar(160)", unicode: false, maxLength: 160, nullable: false),
                    Payload = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    WebhookId = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: true),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "bigint", nullable: false),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    LastAttemptAt = table.Column<long>(type: "bigint", nullable: true),
                    LastResult = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    LastStatus = table.Column<int>(type: "int", nullable: true),
                    LeaseOwner = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: true),
                    LeaseUntil = table.Column<long>(type: "bigint", nullable: true),
                    CompletedAt = table.Column<long>(type: "bigint", nullable: true),
                    FailedAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SlotReservations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Uid = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    EventTypeId = table.Column<int>(type: "int", nullable: false),
                    HostUserId = table.Column<int>(type: "int", nullable: false),
                    SlotStart = table.Column<long>(type: "bigint", nullable: false),
                    SlotEnd = table.Column<long>(type: "bigint", nullable: false),
                    ReservedUntil = table.Column<long>(type: "bigint", nullable: false),
                    ReservationMinutes = table.Column<int>(type: "int", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlotReservations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SlotReservations_Users_HostUserId",
                        column: x => x.HostUserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_EventTypeId",
                table: "Bookings",
                column: "EventTypeId");

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_HostUserId_Start",
                table: "Bookings",
                columns: new[] { "HostUserId", "Start" });

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_HostUserId_Status_BlockStart",
                table: "Bookings",
                columns: new[] { "HostUserId", "Status", "BlockStart" });

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_Uid",
                table: "Bookings",
                column: "Uid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DestinationCalendars_CredentialId",
                table: "DestinationCalendars",
                column: "CredentialId");

            migrationBuilder.CreateIndex(
                name: "IX_DestinationCalendars_UserId",
                table: "DestinationCalendars",
                column: "UserId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IdempotencyKeys_CreatedAt",
                table: "IdempotencyKeys",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_CompletedAt_FailedAt_NextAttemptAt",
                table: "Outbox",
                columns: new[] { "CompletedAt", "FailedAt", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_OrderKey_Id",
                table: "Outbox",
                columns: new[] { "OrderKey", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_WebhookId_Id",
                table: "Outbox",
                columns: new[] { "WebhookId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_SlotReservations_HostUserId_ReservedUntil",
                table: "SlotReservations",
                columns: new[] { "HostUserId", "ReservedUntil" });

            migrationBuilder.CreateIndex(
                name: "IX_SlotReservations_ReservedUntil",
                table: "SlotReservations",
                column: "ReservedUntil");

            migrationBuilder.CreateIndex(
                name: "IX_SlotReservations_Uid",
                table: "SlotReservations",
                column: "Uid",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Bookings");

            migrationBuilder.DropTable(
                name: "DestinationCalendars");

            migrationBuilder.DropTable(
                name: "IdempotencyKeys");

            migrationBuilder.DropTable(
                name: "Outbox");

            migrationBuilder.DropTable(
                name: "SlotReservations");
        }
    }
}
