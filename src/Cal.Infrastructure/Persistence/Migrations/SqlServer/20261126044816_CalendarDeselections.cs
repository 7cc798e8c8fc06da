using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cal.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class CalendarDeselections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CalendarDeselections",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    UserId = table.Column<int>(type: "int", nullable: false),
                    CredentialId = table.Column<int>(type: "int", nullable: false),
                    Integration = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    ExternalIdHash = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CalendarDeselections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CalendarDeselections_Credentials_CredentialId",
                        column: x => x.CredentialId,
                        principalTable: "Credentials",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CalendarDeselections_CredentialId_ExternalIdHash",
                table: "CalendarDeselections",
                columns: new[] { "CredentialId", "ExternalIdHash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CalendarDeselections_UserId",
                table: "CalendarDeselections",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CalendarDeselections");
        }
    }
}
