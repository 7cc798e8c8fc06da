using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cal.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CredentialAccounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Credentials_UserId_Type",
                table: "Credentials");

            migrationBuilder.AddColumn<string>(
                name: "Account",
                table: "Credentials",
                type: "TEXT",
                unicode: false,
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_UserId_Type_Account",
                table: "Credentials",
                columns: new[] { "UserId", "Type", "Account" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Credentials_UserId_Type_Account",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "Account",
                table: "Credentials");

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_UserId_Type",
                table: "Credentials",
                columns: new[] { "UserId", "Type" },
                unique: true);
        }
    }
}
