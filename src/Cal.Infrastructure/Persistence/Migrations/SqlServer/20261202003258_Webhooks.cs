using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cal.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Webhooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DeliveryId",
                table: "Outbox",
                type: "varchar(64)",
                unicode: false,
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Webhooks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    UniqueKey = table.Column<string>(type: "varchar(96)", unicode: false, maxLength: 96, nullable: false),
                    Uid = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    OwnerUserId = table.Column<int>(type: "int", nullable: false),
                    EventTypeId = table.Column<int>(type: "int", nullable: true),
                    SubscriberUrl = table.Column<string>(type: "nvarchar(2048)", maxLength: 2048, nullable: false),
                    Triggers = table.Column<string>(type: "varchar(512)", unicode: false, maxLength: 512, nullable: false),
                    Active = table.Column<bool>(type: "bit", nullable: false),
                    PayloadTemplate = table.Column<string>(type: "nvarchar(max)", maxLength: 16384, nullable: true),
                    ProtectedSecret = table.Column<string>(type: "varchar(2048)", unicode: false, maxLength: 2048, nullable: true),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    FailingSince = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Webhooks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Webhooks_EventTypes_EventTypeId",
                        column: x => x.EventTypeId,
                        principalTable: "EventTypes",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_Webhooks_Users_OwnerUserId",
                        column: x => x.OwnerUserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Webhooks_EventTypeId",
                table: "Webhooks",
                column: "EventTypeId");

            migrationBuilder.CreateIndex(
                name: "IX_Webhooks_OwnerUserId_EventTypeId",
                table: "Webhooks",
                columns: new[] { "OwnerUserId", "EventTypeId" });

            migrationBuilder.CreateIndex(
                name: "IX_Webhooks_Uid",
                table: "Webhooks",
                column: "Uid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Webhooks_UniqueKey",
                table: "Webhooks",
                column: "UniqueKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Webhooks");

            migrationBuilder.DropColumn(
                name: "DeliveryId",
                table: "Outbox");
        }
    }
}
